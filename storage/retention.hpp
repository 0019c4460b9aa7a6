#pragma once
/// Retention of detail rows (page_visits, actions, requests, session_traces), per the spec's data lifecycle:
/// detail of completed sessions is kept 90 days, of failed/timed-out sessions 30 days, of
/// pending/running sessions indefinitely; session rows and analytics are kept forever. A daily
/// partition whose rows have all expired is dropped (or detached) as a whole; rows of partly
/// expired partitions are deleted. Also prunes the writer's batch ledger after 30 days.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// How long detail rows stay.
struct retention_policy {
  std::chrono::days completed{90};
  std::chrono::days failed{30};  ///< failed and timeout
  /// Detach expired partitions (left as plain tables, for archiving) instead of dropping them.
  bool detach = false;
};

/// One step of the plan.
struct retention_step {
  enum class kind { drop_partition, detach_partition, delete_rows, prune_ledger } what;
  std::string table;    ///< partition (drop/detach) or parent table (delete_rows)
  std::int64_t rows = 0;
  std::string describe() const;
};

/// What retention would do (dry run) or did (apply).
struct retention_report {
  bool applied = false;
  std::vector<retention_step> steps;
};

/// Plans retention as of `now` and, when `apply`, carries it out (each step in its own
/// transaction). Never touches the DEFAULT partitions as a whole, nor today's partition.
retention_report run_retention(connection& c, time_point now, const retention_policy& policy,
                               bool apply);

}  // namespace footfall::storage
