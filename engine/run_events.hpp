#pragma once
/// Process-wide counts of events that no single run object owns — a process may hold several
/// browser pools or reclaim leases from several places — bumped where they happen (one line each)
/// and read by the metrics endpoint (engine/metrics). Atomic: any thread may bump them.
#include <atomic>
#include <cstdint>

namespace footfall::engine {

/// The counters (monotonic for the life of the process).
struct run_events {
  std::atomic<std::uint64_t> browser_launches{0};    ///< Chromium processes started and connected
  std::atomic<std::uint64_t> browser_crashes{0};     ///< ... whose connection closed unasked
  std::atomic<std::uint64_t> lease_reclaims{0};      ///< sessions taken back from lost workers
  std::atomic<std::uint64_t> database_outage_ms{0};  ///< time spent waiting out a lost database
};

/// The process's counters.
inline run_events& events() {
  static run_events e;
  return e;
}

}  // namespace footfall::engine
