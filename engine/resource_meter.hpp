#pragma once
/// The browsers' resource usage over a campaign run, for campaign_analytics: total CPU time as a
/// fraction of the machine, and the peak resident memory of all browsers together.
#include <sys/types.h>

#include <map>
#include <vector>

#include "storage/analytics_rows.hpp"

namespace footfall::engine {

/// Sampled from /proc while the campaign runs (about once a second). A browser that dies or is
/// replaced keeps the CPU time of its last sample, so at most one interval of a dead browser's
/// time is missed.
class resource_meter {
 public:
  /// Reads the current usage of these browsers' process groups.
  void sample(const std::vector<pid_t>& browser_pgids);
  /// The campaign's figures for a run that took `wall_ms` on this machine.
  storage::resource_usage result(long long wall_ms) const;

 private:
  std::map<pid_t, double> cpu_seconds_;  ///< latest cumulative CPU per browser group
  double peak_rss_mib_ = 0;
  bool sampled_ = false;
};

}  // namespace footfall::engine
