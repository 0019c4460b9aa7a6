#include "bench/capacity/step.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cdp/process_stats.hpp"
#include "test/support/personas.hpp"

namespace footfall::bench {

storage::persona capacity_persona() {
  storage::persona p = test::persona_builder("bench-capacity")
                           .duration_s(20, 30).pages(2, 3).actions(3, 5)
                           .odds({.scroll = 0.7, .click = 0.5, .typing = 0.15});
  p.description = "human-paced reader: short visits, a few pages, scrolls, hovers, clicks, types";
  // The Playwright script scrolls in mouse-wheel notches; a "mixed" persona would give 3 in 10
  // footfall visitors a touchpad — a wheel event every ~16 ms through each swipe, dozens where a
  // notch scroll sends 2–5 — and the two tools would no longer be running the same workload.
  p.input_device = "wheel";
  return p;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

std::map<std::string, double> load_p50_by_page(const std::vector<page_load>& loads) {
  std::map<std::string, std::vector<double>> by;
  for (const auto& l : loads) by[l.path].push_back(l.ms);
  std::map<std::string, double> out;
  for (auto& [path, v] : by) out[path] = percentile(std::move(v), 0.5);
  return out;
}

namespace {

/// The median over the loads of pages the unloaded step also loaded of `f(load, unloaded p50)`.
template <class F>
double median_against_unloaded(const std::vector<page_load>& loads,
                               const std::map<std::string, double>& unloaded, F f) {
  std::vector<double> v;
  for (const auto& l : loads)
    if (const auto it = unloaded.find(l.path); it != unloaded.end() && it->second > 0)
      v.push_back(f(l.ms, it->second));
  return percentile(std::move(v), 0.5);
}

}  // namespace

double load_slowdown(const std::vector<page_load>& loads,
                     const std::map<std::string, double>& unloaded) {
  return median_against_unloaded(loads, unloaded, [](double ms, double p50) { return ms / p50; });
}

double load_excess_ms(const std::vector<page_load>& loads,
                      const std::map<std::string, double>& unloaded) {
  return median_against_unloaded(loads, unloaded, [](double ms, double p50) { return ms - p50; });
}

std::string fidelity_break(const step_result& r, double mem_total) {
  if (!r.error.empty()) return "error";
  if (!(r.lag_p95_ms <= 250)) return "lag";
  // NAN (no load to judge) breaks, as before: a step that loaded nothing proves nothing.
  if (!(r.load_slowdown <= max_load_slowdown) && !(r.load_excess_ms <= max_load_excess_ms))
    return "load time";
  if (r.sessions > 0 && r.failed * 20 > r.sessions) return "failures";
  if (r.mem_available_mib < 0.10 * mem_total) return "memory";
  return "";
}

double mem_total_mib() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return static_cast<double>(pages) * static_cast<double>(size) / (1024.0 * 1024.0);
}

usage_probe::usage_probe(std::optional<pid_t> driver_pgid, std::vector<pid_t> browser_pgids)
    : driver_(driver_pgid), browsers_(std::move(browser_pgids)) {}

double usage_probe::cpu_s() const {
  double total = driver_cpu_s();
  for (const auto& [pgid, u] : cdp::process_group_usage(browsers_)) total += u.cpu_seconds;
  return total;
}

double usage_probe::driver_cpu_s() const {
  if (driver_) {
    const auto u = cdp::process_group_usage({*driver_});
    return u.empty() ? 0.0 : u.begin()->second.cpu_seconds;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double usage_probe::pss_mib() const {
  auto groups = browsers_;
  if (driver_) groups.push_back(*driver_);
  double total = 0;
  for (const auto& [pgid, u] : cdp::process_group_usage(groups)) total += u.pss_mib;
  if (!driver_) total += cdp::process_pss_mib(getpid()).value_or(0.0);
  return total;
}

peak_sampler::peak_sampler(usage_probe p)
    : probe_(std::move(p)),
      cpu0_(probe_.cpu_s()),
      driver0_(probe_.driver_cpu_s()),
      t0_(std::chrono::steady_clock::now()) {
  const auto m = cdp::read_machine_usage();
  busy0_ = m.busy_ticks;
  total0_ = m.total_ticks;
  thread_ = std::thread([this] {
    while (!stop_) {
      const double now = probe_.pss_mib();
      if (now > peak_) peak_ = now;
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      own_cpu_s_ = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
      for (int i = 0; i < 10 && !stop_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

peak_sampler::~peak_sampler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void peak_sampler::finish(step_result& r) {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  const double sampling = probe_.in_this_process() ? own_cpu_s_.load() : 0.0;
  r.cpu_s = probe_.cpu_s() - cpu0_ - sampling;
  r.driver_cpu_s = probe_.driver_cpu_s() - driver0_ - sampling;
  r.window_from = t0_;
  r.window_to = std::chrono::steady_clock::now();
  r.window_s = std::chrono::duration<double>(r.window_to - t0_).count();
  r.peak_pss_mib = std::max(peak_.load(), probe_.pss_mib());
  const auto m = cdp::read_machine_usage();
  r.machine_busy = m.total_ticks > total0_ ? static_cast<double>(m.busy_ticks - busy0_) /
                                                 static_cast<double>(m.total_ticks - total0_)
                                           : NAN;
  r.mem_available_mib = mem_total_mib() - m.used_mib;
}

void page_event_tally::add(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  for (const auto& [type, n] : j.items())
    if (n.is_number_integer() && n.get<long>() > 0) reports_.push_back({now, type, n.get<long>()});
}

std::map<std::string, long> page_event_tally::between(
    std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) const {
  std::map<std::string, long> out;
  std::lock_guard lock(mu_);
  for (const auto& r : reports_)
    if (r.at >= from && r.at < to) out[r.type] += r.n;
  return out;
}

}  // namespace footfall::bench
