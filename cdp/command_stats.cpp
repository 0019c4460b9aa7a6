#include "cdp/command_stats.hpp"

#include "cdp/errors.hpp"

namespace footfall::cdp {

void command_stats::record(std::chrono::steady_clock::duration elapsed,
                           const std::exception_ptr& error) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
  const double s = static_cast<double>(ns) / 1e9;
  std::size_t i = 0;
  while (i < command_stats_snapshot::bounds_s.size() && s > command_stats_snapshot::bounds_s[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns > 0 ? ns : 0), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (!error) return;
  // Failures are rare: classifying them by rethrowing costs nothing on the common path.
  try {
    std::rethrow_exception(error);
  } catch (const timeout_error&) {
    timeouts_.fetch_add(1, std::memory_order_relaxed);
  } catch (...) {
    errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

command_stats_snapshot command_stats::snapshot() const {
  command_stats_snapshot out;
  for (std::size_t i = 0; i < buckets_.size(); ++i)
    out.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  out.sum_s = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  out.count = count_.load(std::memory_order_relaxed);
  out.errors = errors_.load(std::memory_order_relaxed);
  out.timeouts = timeouts_.load(std::memory_order_relaxed);
  out.surrogates_repaired = repaired_.load(std::memory_order_relaxed);
  out.messages_unparseable = unparseable_.load(std::memory_order_relaxed);
  out.events_unread = unread_.load(std::memory_order_relaxed);
  out.messages_received = received_.load(std::memory_order_relaxed);
  out.bytes_received = received_bytes_.load(std::memory_order_relaxed);
  return out;
}

command_stats& global_command_stats() {
  static command_stats stats;
  return stats;
}

}  // namespace footfall::cdp
