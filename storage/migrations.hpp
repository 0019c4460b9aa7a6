#pragma once
/// Schema migrations: storage/migrations/NNNN_name.sql, embedded into the binary at build time
/// (so `footfall` finds them from any working directory and in the container), applied in order,
/// each in its own transaction and recorded in schema_migrations. A session-level
/// pg_advisory_lock serializes concurrent runs: ten pods starting at once migrate exactly once.
#include <string>
#include <vector>

#include "storage/connection.hpp"

namespace footfall::storage {

/// One migration file.
struct migration {
  int version = 0;     ///< NNNN
  std::string name;    ///< file name without .sql, e.g. "0001_enums"
  std::string sql;
};

/// The migrations compiled into this binary, sorted by version.
const std::vector<migration>& embedded_migrations();

/// Applies every embedded migration not yet recorded; returns the names applied (empty when the
/// schema was current). Throws database_error naming the migration that failed (its transaction
/// is rolled back, earlier ones stay). Also fails if the database holds a version this binary
/// does not know with a different name (a newer or diverged schema).
std::vector<std::string> migrate(connection& c);

/// Names of the migrations recorded in schema_migrations, in order (empty on a fresh database).
std::vector<std::string> applied_migrations(connection& c);

}  // namespace footfall::storage
