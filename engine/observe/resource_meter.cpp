#include "engine/observe/resource_meter.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace footfall::engine {
namespace {

double own_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

}  // namespace

void resource_meter::sample(const std::vector<pid_t>& browser_pgids) {
  const auto machine = cdp::read_machine_usage();
  if (!machine_start_) {
    machine_start_ = machine;
    own_cpu_start_s_ = own_cpu_seconds();
  }
  machine_last_ = machine;
  peak_machine_rise_mib_ = std::max(peak_machine_rise_mib_, machine.used_mib - machine_start_->used_mib);
  double pss = 0;
  for (const auto& [pgid, u] : cdp::process_group_usage(browser_pgids)) {
    // Cumulative per group: a later sample replaces the earlier one.
    cpu_seconds_[pgid] = std::max(cpu_seconds_[pgid], u.cpu_seconds);
    pss += u.pss_anon_shmem_mib;
  }
  const auto mine = cdp::read_process_pss(getpid());
  const double own = mine ? mine->anon + mine->shmem : 0.0;
  peak_own_pss_mib_ = std::max(peak_own_pss_mib_, own);
  peak_pss_mib_ = std::max(peak_pss_mib_, pss + own);
  own_cpu_s_ = own_cpu_seconds();
}

storage::resource_usage resource_meter::result(long long wall_ms) const {
  storage::resource_usage r;
  r.total_runtime_ms = wall_ms;
  if (!machine_start_ || wall_ms <= 0) return r;
  double cpu = own_cpu_s_ - own_cpu_start_s_;
  for (const auto& [pgid, s] : cpu_seconds_) cpu += s;
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  // avg_cpu_usage is DECIMAL(3,2): the share of the whole machine, 0.00 … 1.00.
  r.avg_cpu_usage = std::min(1.0, cpu / (static_cast<double>(wall_ms) / 1000.0 * cores));
  r.peak_memory_mb = static_cast<int>(std::lround(peak_pss_mib_));
  r.footfall_memory_mb = static_cast<int>(std::lround(peak_own_pss_mib_));
  r.machine_memory_rise_mb = static_cast<int>(std::lround(peak_machine_rise_mib_));
  const auto ticks = machine_last_.total_ticks - machine_start_->total_ticks;
  if (ticks > 0)
    r.machine_cpu_usage =
        double(machine_last_.busy_ticks - machine_start_->busy_ticks) / double(ticks);
  return r;
}

resource_sampler::resource_sampler(std::chrono::milliseconds period) : period_(period) {
  meter_.sample({});
  thread_ = std::thread([this] { loop(); });
}

resource_sampler::~resource_sampler() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void resource_sampler::watch(std::vector<pid_t> browser_pgids) {
  std::lock_guard lock(m_);
  pgids_ = std::move(browser_pgids);
}

void resource_sampler::loop() {
  std::unique_lock lock(m_);
  while (!wake_.wait_for(lock, period_, [this] { return stop_; })) {
    const auto pgids = pgids_;
    lock.unlock();
    meter_.sample(pgids);
    lock.lock();
  }
}

storage::resource_usage resource_sampler::finish(long long wall_ms) {
  std::vector<pid_t> pgids;
  {
    std::lock_guard lock(m_);
    stop_ = true;
    pgids = pgids_;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!pgids.empty()) meter_.sample(pgids);
  return meter_.result(wall_ms);
}

}  // namespace footfall::engine
