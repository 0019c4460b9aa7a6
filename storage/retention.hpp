#pragma once
/// Retention of detail rows (page_visits, actions, session_traces, and `requests` where that
/// table exists), per the spec's data lifecycle: detail of completed sessions is kept 90 days, of
/// failed/timed-out sessions 30 days, of pending/running sessions indefinitely; session rows and
/// analytics are kept forever. A daily partition whose rows have all expired is dropped (or
/// detached) as a whole; rows of partly expired partitions are deleted. Also prunes the writer's
/// batch ledger after 30 days. With an archive directory, expired detail is written there first
/// (storage/archive_writer.hpp) and only rows the archive holds are removed.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/archive_writer.hpp"
#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// How long detail rows stay.
struct retention_policy {
  std::chrono::days completed{90};
  std::chrono::days failed{30};  ///< failed and timeout
  /// Detach expired partitions (left as plain tables, for archiving) instead of dropping them.
  bool detach = false;
  /// Archive expired detail here before removing it (apply only). Unset: remove as before.
  std::optional<std::filesystem::path> archive_dir;
  /// Called once the archive is complete and verified, before anything is removed (the tests
  /// kill the process here).
  std::function<void()> after_archive;
};

/// One step of the plan.
struct retention_step {
  enum class kind { drop_partition, detach_partition, delete_rows, prune_ledger } what;
  std::string table;    ///< partition (drop/detach) or the relation rows are deleted from
  std::int64_t rows = 0;
  std::string parent;   ///< the detail table (page_visits, actions, …); "" for the ledger
  std::string describe() const;
};

/// What retention would do (dry run) or did (apply).
struct retention_report {
  bool applied = false;
  std::vector<retention_step> steps;
  std::optional<archive_summary> archive;  ///< when archived
};

/// Plans retention as of `now` and, when `apply`, carries it out (each step in its own
/// transaction). Never touches the DEFAULT partitions as a whole, nor today's partition.
/// With policy.archive_dir: an archive directory that cannot be written throws std::system_error
/// before anything is removed; a step whose rows changed after archiving is refused
/// (database_error) and its rows stay.
retention_report run_retention(connection& c, time_point now, const retention_policy& policy,
                               bool apply);

}  // namespace footfall::storage
