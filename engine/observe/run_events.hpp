#pragma once
/// Process-wide counts of events that no single run object owns — a process may hold several
/// browser pools or reclaim leases from several places — bumped where they happen (one line each)
/// and read by the metrics endpoint (engine/observe/metrics). Atomic: any thread may bump them.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace footfall::engine {

/// The counters (monotonic for the life of the process).
struct run_events {
  std::atomic<std::uint64_t> browser_launches{0};    ///< Chromium processes started and connected
  std::atomic<std::uint64_t> browser_crashes{0};     ///< ... whose connection closed unasked
  std::atomic<std::uint64_t> lease_reclaims{0};      ///< sessions taken back from lost workers
  std::atomic<std::uint64_t> database_outage_ms{0};  ///< outages that ended, summed

  /// The database stopped answering at `since` (the first failure of an outage).
  void database_down(std::chrono::steady_clock::time_point since) {
    down_since_.store(since.time_since_epoch().count() | 1);  // never 0: 0 means "up"
  }
  /// It answers again, after an outage of `lasted`.
  void database_up(std::chrono::steady_clock::duration lasted) {
    database_outage_ms += std::chrono::duration_cast<std::chrono::milliseconds>(lasted).count();
    down_since_.store(0);
  }
  /// Ended outages plus the one going on at `now`, seconds.
  double database_outage_seconds(std::chrono::steady_clock::time_point now) const {
    using std::chrono::steady_clock;
    const auto since = down_since_.load();
    const double ongoing =
        since ? std::chrono::duration<double>(
                    steady_clock::duration(now.time_since_epoch().count() - since))
                    .count()
              : 0.0;
    return static_cast<double>(database_outage_ms.load()) / 1e3 + (ongoing > 0 ? ongoing : 0);
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> down_since_{0};
};

/// The process's counters.
inline run_events& events() {
  static run_events e;
  return e;
}

}  // namespace footfall::engine
