#pragma once
/// Partition manager for the time-partitioned tables page_visits (by arrived_at), actions (by
/// "timestamp") and requests (by started_at, migration 0105): daily partitions <table>_pYYYYMMDD (UTC days), a DEFAULT partition as a safety
/// net, and moving rows out of DEFAULT when their day's partition is created.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// Which days get partitions.
struct partition_options {
  int days_ahead = 7;   ///< today + this many days
  int days_behind = 1;  ///< and this many days back (late rows of a session that crossed midnight)
};

/// The partitioned tables.
inline constexpr const char* partitioned_tables[] = {"page_visits", "actions", "requests"};

/// Creates the daily partitions of every partitioned table for every UTC day in
/// [now - days_behind, now + days_ahead] that lacks one. Returns the names created.
std::vector<std::string> ensure_partitions(connection& c, time_point now, partition_options o = {});

/// Creates the partition of `table` for the UTC day containing `day` if missing. If the DEFAULT
/// partition holds rows of that day, in one transaction: detach DEFAULT, create the day's
/// partition, move the rows over, re-attach DEFAULT. Returns whether a partition was created.
bool ensure_day_partition(connection& c, const std::string& table, time_point day);

/// One partition, for `footfall db partitions`.
struct partition_info {
  std::string table;      ///< parent: page_visits, actions or requests
  std::string name;       ///< e.g. actions_p20261122 or actions_default
  bool is_default = false;
  std::optional<time_point> from, to;  ///< range bounds (absent for DEFAULT)
  std::int64_t rows = 0;               ///< exact count
  std::int64_t bytes = 0;              ///< pg_total_relation_size (heap + indexes + TOAST)
};

/// Every partition of every partitioned table, by table then range.
std::vector<partition_info> list_partitions(connection& c);

}  // namespace footfall::storage
