#pragma once
/// The one way every CLI command gets its database: --database-url, else DATABASE_URL, else
/// footfall's embedded PostgreSQL (started or reused); then the schema is migrated and the
/// partitions for the coming days exist.
#include <string>

#include <boost/program_options/options_description.hpp>

namespace footfall::engine {

/// The database flags shared by commands.
struct database_options {
  std::string database_url;  ///< --database-url; empty ⇒ DATABASE_URL ⇒ embedded
  std::string data_dir;      ///< --data-dir for the embedded server; empty ⇒ FOOTFALL_DATA_DIR/default
  bool migrate = true;       ///< apply migrations + ensure partitions before returning
};

/// Adds --database-url and --data-dir to a command's options, bound to `o`.
void add_database_flags(boost::program_options::options_description& desc, database_options& o);

/// Resolves the database URL (flag, env, embedded), migrates when o.migrate, and returns the URL.
/// Throws storage::database_error naming the step that failed (server start, connect, migration).
std::string open_database(const database_options& o);

/// True when the URL would come from the embedded server (no flag, no DATABASE_URL).
bool uses_embedded(const database_options& o);

}  // namespace footfall::engine
