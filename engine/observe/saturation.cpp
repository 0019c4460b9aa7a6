#include "engine/observe/saturation.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "analytics/stats.hpp"
#include "cdp/process_stats.hpp"

namespace footfall::engine {
namespace asio = boost::asio;

namespace {

/// A positive number from the environment, or `fallback`.
double env_number(const char* name, double fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v, &end);
  if (end == v || *end || !(x > 0)) {
    spdlog::warn("{}: '{}' is not a positive number; using {}", name, v, fallback);
    return fallback;
  }
  return x;
}

}  // namespace

saturation_limits saturation_limits::from_env() {
  saturation_limits l;
  l.cpu_busy = env_number("FOOTFALL_SATURATION_CPU", l.cpu_busy);
  l.lag_ms = env_number("FOOTFALL_SATURATION_LAG_MS", l.lag_ms);
  return l;
}

void saturation_log::add(time_point from, time_point to, double cpu_busy, double max_lag_ms) {
  const bool hot = cpu_busy >= limits_.cpu_busy || max_lag_ms >= limits_.lag_ms;
  std::lock_guard lk(m_);
  intervals_.push_back({from, to, cpu_busy, max_lag_ms, hot});
}

saturation_log::assessment saturation_log::assess(time_point from, time_point to) const {
  using ms = std::chrono::duration<double, std::milli>;
  assessment a;
  if (to < from) std::swap(from, to);
  std::lock_guard lk(m_);
  // Intervals are in time order: the first that ends after `from`, then on until past `to`.
  auto it = std::upper_bound(intervals_.begin(), intervals_.end(), from,
                             [](time_point t, const interval& i) { return t < i.to; });
  double weighted = 0;
  for (; it != intervals_.end() && it->from <= to; ++it) {
    // A zero-length navigation still reads the interval it falls in (weight 1 ms).
    const double overlap = std::max(ms(std::min(to, it->to) - std::max(from, it->from)).count(), 1.0);
    weighted += overlap * it->cpu_busy;
    a.covered_ms += overlap;
    a.max_lag_ms = std::max(a.max_lag_ms, it->max_lag_ms);
  }
  if (a.covered_ms <= 0) return a;
  a.cpu_busy = weighted / a.covered_ms;
  a.saturated = a.cpu_busy >= limits_.cpu_busy || a.max_lag_ms >= limits_.lag_ms;
  return a;
}

saturation_log::summary saturation_log::summarize() const {
  std::lock_guard lk(m_);
  summary s;
  std::vector<double> lags;
  for (const auto& i : intervals_) {
    ++s.intervals;
    s.saturated_intervals += i.saturated;
    const double secs = std::chrono::duration<double>(i.to - i.from).count();
    s.seconds += secs;
    if (i.saturated) s.saturated_seconds += secs;
    lags.push_back(i.max_lag_ms);
  }
  s.lag_p50_ms = analytics::quantile(lags, 0.5).value_or(0);
  s.lag_p95_ms = analytics::quantile(lags, 0.95).value_or(0);
  s.lag_max_ms = analytics::quantile(lags, 1.0).value_or(0);
  return s;
}

asio::awaitable<void> watch_saturation(std::shared_ptr<saturation_log> log,
                                       std::shared_ptr<std::atomic<bool>> stop) {
  using steady = std::chrono::steady_clock;
  constexpr auto tick = std::chrono::milliseconds(50);
  constexpr int ticks_per_interval = 5;  // 250 ms: short enough to judge one navigation
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto machine = cdp::read_machine_usage();
  auto from = std::chrono::system_clock::now();
  double worst_lag_ms = 0;
  for (int n = 1; !*stop; ++n) {
    const auto due = steady::now() + tick;
    timer.expires_at(due);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    worst_lag_ms = std::max(
        worst_lag_ms, std::chrono::duration<double, std::milli>(steady::now() - due).count());
    if (n % ticks_per_interval) continue;
    const auto now_machine = cdp::read_machine_usage();
    const auto total = now_machine.total_ticks - machine.total_ticks;
    const double busy =
        total ? double(now_machine.busy_ticks - machine.busy_ticks) / double(total) : 0.0;
    const auto to = std::chrono::system_clock::now();
    log->add(from, to, busy, worst_lag_ms);
    machine = now_machine;
    from = to;
    worst_lag_ms = 0;
  }
}

}  // namespace footfall::engine
