#pragma once
/// Resource usage over a campaign run, for campaign_analytics: CPU time of the browsers and of
/// footfall as a share of the machine, their peak memory as PSS, and what the whole machine saw
/// over the same run (to check the first two against).
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cdp/process_stats.hpp"
#include "storage/analytics_rows.hpp"

namespace footfall::engine {

/// Sampled from /proc while the campaign runs (about once a second). A browser that dies or is
/// replaced keeps the CPU time of its last sample, so at most one interval of a dead browser's
/// time is missed. Memory is proportional set size: a page shared by n processes counts 1/n in
/// each, so the sum over Chromium's processes is what they really hold (RSS counted shared pages
/// once per process: 19.6 GB "used" on a machine that used 5.1 GB, issue 10) — and of it only
/// anonymous and shared-memory pages: file-backed ones (Chromium's binary and libraries, ≈ 230
/// MiB of PSS) are page cache the machine counts as available, so with them peak_memory_mb came
/// out 1.5–2.7× the machine's measured rise in used memory (bench_verdicts, 2026-11-30).
class resource_meter {
 public:
  /// Reads the current usage of these browsers' process groups, of footfall and of the machine.
  void sample(const std::vector<pid_t>& browser_pgids);
  /// The campaign's figures for a run that took `wall_ms` on this machine.
  storage::resource_usage result(long long wall_ms) const;

 private:
  std::map<pid_t, double> cpu_seconds_;  ///< latest cumulative CPU per browser group
  double own_cpu_start_s_ = 0;           ///< footfall's CPU time at the first sample
  double own_cpu_s_ = 0;                 ///< … and at the latest
  double peak_pss_mib_ = 0;              ///< browsers + footfall
  double peak_own_pss_mib_ = 0;
  std::optional<cdp::machine_usage> machine_start_;
  cdp::machine_usage machine_last_;
  double peak_machine_rise_mib_ = 0;
};

/// A resource_meter sampled on its own thread, once a `period`. Reading smaps_rollup walks the
/// page tables of every Chromium process: tens of milliseconds for a busy browser, which on the
/// io thread showed up as event-loop lag (and so as "saturated" intervals) and, sampled at every
/// session start and end, as most of footfall's own CPU in a campaign (perf, 2026-11-30).
class resource_sampler {
 public:
  /// Takes the first sample (the machine before any browser starts) at once.
  explicit resource_sampler(std::chrono::milliseconds period = std::chrono::seconds(1));
  ~resource_sampler();
  resource_sampler(const resource_sampler&) = delete;
  resource_sampler& operator=(const resource_sampler&) = delete;
  /// The browsers' process groups to sample from now on (cheap; any thread).
  void watch(std::vector<pid_t> browser_pgids);
  /// Stops sampling after one last sample; the run's figures.
  storage::resource_usage finish(long long wall_ms);

 private:
  void loop();

  resource_meter meter_;  ///< touched by the sampling thread only, until finish()
  std::chrono::milliseconds period_;
  std::mutex m_;
  std::condition_variable wake_;
  std::vector<pid_t> pgids_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace footfall::engine
