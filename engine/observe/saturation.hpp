#pragma once
/// When the load generator itself was saturated, so that page loads measured then are not blamed
/// on the site (issue 10: 60 visitors on 2 cores "measured" a 10.2 s landing page). A sans-io
/// log of short intervals, fed by a sampler coroutine on the io thread.
///
/// A visit is judged by its own navigation only (issue 22): over [navigation start, load] the
///   - machine's CPU busy share, time-weighted over the 250-ms intervals the navigation overlaps
///     (/proc/stat; every process counts: a renderer starved of CPU loads pages late whoever
///     starves it), must stay below `cpu_busy`, and
///   - footfall's io thread's worst lateness in it must stay below `lag_ms`: a timer asking to wake
///     every 50 ms measures its own lateness, so a blocked or CPU-starved event loop (which also
///     delays CDP events, hence measured timings) shows up directly.
/// The old rule (any busy 1-s interval touching the load) flagged 8 of 12 visits of an ordinary
/// pace-0 nightly run: a 150-ms load was flagged for a busy moment 800 ms before it began.
/// Defaults 0.95 and 100 ms; FOOTFALL_SATURATION_CPU and FOOTFALL_SATURATION_LAG_MS override.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace footfall::engine {

/// The thresholds above.
struct saturation_limits {
  double cpu_busy = 0.95;
  double lag_ms = 100;
  /// The defaults, overridden by the environment variables (invalid values are ignored, logged).
  static saturation_limits from_env();
};

/// The intervals of one run. Thread-safe: sessions ask while the sampler adds.
class saturation_log {
 public:
  using time_point = std::chrono::system_clock::time_point;
  explicit saturation_log(saturation_limits limits = {}) : limits_(limits) {}

  /// One interval [from, to) with the machine's busy share and the io thread's worst lag in it.
  /// Intervals arrive in time order and do not overlap.
  void add(time_point from, time_point to, double cpu_busy, double max_lag_ms);

  /// What the generator was doing during [from, to] (a navigation).
  struct assessment {
    double cpu_busy = 0;     ///< time-weighted over the overlapped intervals, 0…1
    double max_lag_ms = 0;   ///< worst io-thread lateness in an overlapped interval
    double covered_ms = 0;   ///< how much of [from, to] the log covers
    bool saturated = false;  ///< cpu_busy ≥ the limit or max_lag_ms ≥ the limit
  };
  assessment assess(time_point from, time_point to) const;
  /// assess(from, to).saturated; nothing known (no overlapping interval) is not saturated.
  bool saturated(time_point from, time_point to) const { return assess(from, to).saturated; }

  /// What the run looked like.
  struct summary {
    int intervals = 0;
    int saturated_intervals = 0;
    double seconds = 0;            ///< covered by intervals
    double saturated_seconds = 0;
    double lag_p50_ms = 0;
    double lag_p95_ms = 0;
    double lag_max_ms = 0;
  };
  summary summarize() const;
  const saturation_limits& limits() const { return limits_; }

 private:
  struct interval {
    time_point from, to;
    double cpu_busy = 0;
    double max_lag_ms = 0;
    bool saturated = false;
  };
  saturation_limits limits_;
  mutable std::mutex m_;
  std::vector<interval> intervals_;
};

/// Samples on the calling coroutine's executor (the io thread) until `*stop`: its own timer's
/// lateness every 50 ms and, every 250 ms, the machine's CPU busy share (≈ 50 kernel ticks on 2
/// cores, so a share to ±2 %); adds one interval per 250 ms to `log`.
boost::asio::awaitable<void> watch_saturation(std::shared_ptr<saturation_log> log,
                                              std::shared_ptr<std::atomic<bool>> stop);

}  // namespace footfall::engine
