#include "engine/resource_meter.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "cdp/process_stats.hpp"

namespace footfall::engine {

void resource_meter::sample(const std::vector<pid_t>& browser_pgids) {
  double rss = 0;
  for (const auto& [pgid, u] : cdp::process_group_usage(browser_pgids)) {
    // Cumulative per group: a later sample replaces the earlier one.
    cpu_seconds_[pgid] = std::max(cpu_seconds_[pgid], u.cpu_seconds);
    rss += u.rss_mib;
  }
  peak_rss_mib_ = std::max(peak_rss_mib_, rss);
  sampled_ = true;
}

storage::resource_usage resource_meter::result(long long wall_ms) const {
  storage::resource_usage r;
  r.total_runtime_ms = wall_ms;
  if (!sampled_ || wall_ms <= 0) return r;
  double cpu = 0;
  for (const auto& [pgid, s] : cpu_seconds_) cpu += s;
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  // avg_cpu_usage is DECIMAL(3,2): the share of the whole machine, 0.00 … 1.00.
  r.avg_cpu_usage = std::min(1.0, cpu / (static_cast<double>(wall_ms) / 1000.0 * cores));
  r.peak_memory_mb = static_cast<int>(std::lround(peak_rss_mib_));
  return r;
}

}  // namespace footfall::engine
