#pragma once
/// Resource usage over a campaign run, for campaign_analytics: CPU time of the browsers and of
/// footfall as a share of the machine, their peak memory as PSS, and what the whole machine saw
/// over the same run (to check the first two against).
#include <sys/types.h>

#include <map>
#include <optional>
#include <vector>

#include "cdp/process_stats.hpp"
#include "storage/analytics_rows.hpp"

namespace footfall::engine {

/// Sampled from /proc while the campaign runs (about once a second). A browser that dies or is
/// replaced keeps the CPU time of its last sample, so at most one interval of a dead browser's
/// time is missed. Memory is proportional set size: a page shared by n processes counts 1/n in
/// each, so the sum over Chromium's processes is what they really hold (RSS counted shared pages
/// once per process: 19.6 GB "used" on a machine that used 5.1 GB, issue 10).
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

}  // namespace footfall::engine
