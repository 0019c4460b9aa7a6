#pragma once
/// What the DevTools client measures about its own commands — latency from send to reply, errors
/// and timeouts — as process-wide lock-free counters. cdp/ knows nothing of Prometheus: whoever
/// exports metrics (engine/observe/metrics) reads a snapshot. Process-wide because one process exports one
/// set of metrics however many browsers (connections) it drives.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>

namespace footfall::cdp {

/// A consistent-enough copy of the counters (each field read atomically, not all at once).
struct command_stats_snapshot {
  /// Upper bounds of the latency buckets, seconds (Prometheus `le`); +Inf is implied.
  static constexpr std::array<double, 12> bounds_s{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                   0.1,   0.25,   0.5,   1.0,  2.5,   10.0};
  /// Commands per bucket, NOT cumulative; the last entry counts those above every bound.
  std::array<std::uint64_t, bounds_s.size() + 1> buckets{};
  double sum_s = 0;
  std::uint64_t count = 0;     ///< every finished command (replied, failed or timed out)
  std::uint64_t errors = 0;    ///< protocol errors, closed connections or targets
  std::uint64_t timeouts = 0;  ///< no reply before the call's deadline
  /// Lone surrogate escapes rewritten to U+FFFD in received messages (cdp/message_repair.hpp).
  std::uint64_t surrogates_repaired = 0;
  /// Received messages that did not parse even after repair (their call, if known, failed).
  std::uint64_t messages_unparseable = 0;
  /// Events dropped unread: no subscriber or waiter wanted their method (cdp/connection.cpp).
  std::uint64_t events_unread = 0;
  /// Every message received (replies and events, read or not) and their bytes: what the
  /// browser's domains cost the client's io thread before any handler runs.
  std::uint64_t messages_received = 0;
  std::uint64_t bytes_received = 0;
};

/// The counters. record() is called from CDP io threads; snapshot() from anywhere.
class command_stats {
 public:
  /// One finished command: `elapsed` from send to reply (or failure); `error` as the call ended.
  void record(std::chrono::steady_clock::duration elapsed, const std::exception_ptr& error);
  /// `n` lone surrogates repaired in one received message.
  void record_repaired(std::uint64_t n) { repaired_.fetch_add(n, std::memory_order_relaxed); }
  /// A received message that could not be parsed.
  void record_unparseable() { unparseable_.fetch_add(1, std::memory_order_relaxed); }
  /// An event nobody wanted, dropped before parsing.
  void record_unread_event() { unread_.fetch_add(1, std::memory_order_relaxed); }
  /// One message of `bytes` received.
  void record_received(std::uint64_t bytes) {
    received_.fetch_add(1, std::memory_order_relaxed);
    received_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  command_stats_snapshot snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, command_stats_snapshot::bounds_s.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0}, count_{0}, errors_{0}, timeouts_{0}, repaired_{0},
      unparseable_{0}, unread_{0}, received_{0}, received_bytes_{0};
};

/// The process's counters, filled by every cdp::connection.
command_stats& global_command_stats();

}  // namespace footfall::cdp
