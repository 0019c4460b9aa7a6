#pragma once
// Internal to storage/: runs PostgreSQL's command-line tools (initdb, pg_ctl), as the `postgres`
// system user when we are root (initdb and postgres refuse to run as root).
#include <string>
#include <vector>

namespace footfall::storage::detail {

struct process_result {
  int exit_code = -1;   ///< exit status, or 128 + signal
  std::string output;   ///< stdout and stderr, interleaved
};

/// Runs argv[0] (an absolute path) with stdin from /dev/null, capturing its output; waits for it.
/// `as_postgres`: switch to the postgres user (uid, gid, groups) in the child; throws
/// database_error when that user does not exist.
process_result run_process(const std::vector<std::string>& argv, bool as_postgres);

/// The postgres system user's uid and gid; throws database_error when missing.
struct ids { unsigned uid, gid; };
ids postgres_ids();

}  // namespace footfall::storage::detail
