#pragma once
/// Open-model arrivals as the database holds them (migration 0050): each planned session's
/// planned start (campaigns.arrivals_epoch + sessions.planned_offset_ms), its lateness when it left
/// pending, and `dropped` arrivals. Claims that follow the plan are in leases.hpp; this file reads
/// what happened, for the progress line, the run summary, `campaign show` and the report.
#include <cstdint>
#include <optional>
#include <vector>

#include "storage/connection.hpp"
#include "storage/uuid.hpp"

namespace footfall::storage {

/// A session counts as late when it started this long or more after its planned start. A claim's
/// own latency (the worker's wake-up, one transaction) is tens of milliseconds; a second means
/// the concurrent_sessions cap or a busy pool held the arrival back.
inline constexpr std::int64_t late_after_ms = 1000;

/// The arrivals of one campaign so far.
struct arrival_stats {
  std::int64_t planned = 0;  ///< sessions with a planned start
  std::int64_t due = 0;      ///< ... whose planned start has come (0 before the first claim)
  std::int64_t started = 0;  ///< ... that started (any status but pending and dropped)
  std::int64_t late = 0;     ///< ... that started >= late_after_ms after their plan
  std::int64_t dropped = 0;  ///< not started within max_lateness_s: status dropped
  std::optional<double> lateness_p50_ms;  ///< over started arrivals
  std::optional<double> lateness_p95_ms;
  std::optional<double> lateness_max_ms;
};

/// Arrivals planned and achieved in one minute after the arrival epoch.
struct arrival_minute {
  int minute = 0;  ///< 0: the first minute after the epoch
  std::int64_t planned = 0;
  std::int64_t started = 0;  ///< by actual start (sessions.started_at)
  std::int64_t dropped = 0;  ///< by planned start
};

/// The campaign's arrival statistics; nullopt for a closed-model campaign (no planned starts).
std::optional<arrival_stats> load_arrival_stats(connection& c, const uuid& campaign_id);

/// Planned vs started arrivals per minute since the arrival epoch (empty before the first claim
/// or for a closed-model campaign), every minute from 0 to the last one with an arrival.
std::vector<arrival_minute> load_arrivals_per_minute(connection& c, const uuid& campaign_id);

}  // namespace footfall::storage
