#pragma once
/// When the load generator itself was saturated, so that page loads measured then are not blamed
/// on the site (issue 10: 60 visitors on 2 cores "measured" a 10.2 s landing page). A sans-io
/// log of 1-second intervals, fed by a sampler coroutine on the io thread.
///
/// An interval is saturated when either
///   - the machine's CPUs were busy for ≥ `cpu_busy` of it (/proc/stat; every process counts:
///     a renderer starved of CPU loads pages late whoever starves it), or
///   - footfall's io thread was late by ≥ `lag_ms`: a timer asking to wake every 100 ms measures
///     its own lateness, so a blocked or CPU-starved event loop (which also delays CDP events,
///     hence measured timings) shows up directly.
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
  void add(time_point from, time_point to, double cpu_busy, double max_lag_ms);
  /// Whether any saturated interval overlaps [from, to].
  bool saturated(time_point from, time_point to) const;

  /// What the run looked like.
  struct summary {
    int intervals = 0;
    int saturated_intervals = 0;
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
/// lateness every 100 ms and, each second, the machine's CPU busy share; adds one interval a
/// second to `log`.
boost::asio::awaitable<void> watch_saturation(std::shared_ptr<saturation_log> log,
                                              std::shared_ptr<std::atomic<bool>> stop);

}  // namespace footfall::engine
