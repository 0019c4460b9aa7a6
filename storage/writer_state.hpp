#pragma once
// Internal to storage/: the writer's state, shared by writer.cpp (queue, thread, commits) and
// writer_spool.cpp (spool files, replay, database identity).
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include <pqxx/pqxx>

#include "storage/spool.hpp"
#include "storage/writer.hpp"

namespace footfall::storage {

using steady = std::chrono::steady_clock;
using detail::batch;
using detail::item;

struct writer::state {
  writer_options opt;
  uuid writer_id = uuid::v7();

  // Shared with producers, under m.
  mutable std::mutex m;
  std::condition_variable not_full, not_empty, progress;
  std::deque<item> queue;
  std::size_t queued_rows = 0;
  steady::time_point oldest_at{};
  std::uint64_t enqueued = 0, done = 0, flush_target = 0;
  bool closing = false, stopped = false;
  steady::time_point close_deadline{};
  writer_stats stats;
  std::once_flag close_once;
  std::thread thread;

  // Writer thread only.
  std::unique_ptr<connection> conn;
  bool ever_connected = false;
  std::optional<steady::time_point> down_since;
  std::chrono::milliseconds backoff;
  std::optional<detail::spool_file> spool;
  bool spool_pending = false;
  std::optional<detail::spool_file> rejected;
  steady::time_point next_partition_check{};
  steady::time_point next_connect_attempt{};

  explicit state(writer_options o) : opt(std::move(o)), backoff(opt.reconnect_initial) {
    if (opt.spool_dir.empty()) opt.spool_dir = detail::default_spool_dir();
    // libpq waits forever on an unreachable TCP host by default; the writer must get control
    // back to spool. An explicit PGCONNECT_TIMEOUT (or connect_timeout in the URL) wins.
    ::setenv("PGCONNECT_TIMEOUT", "5", 0);
  }

  void enqueue(item it, std::size_t rows);
  void run();
  bool take(batch& b);
  void deliver(batch& b);
  bool ensure_connected();
  void maintain_partitions();
  void commit_or_split(batch& b);
  bool commit(batch& b);
  std::vector<bool> fence(pqxx::work& tx, const batch& b);
  void replay_own_spool();
  void replay_orphans();
  void spool_batch(const batch& b);
  void reject(const batch& b, const std::string& error);
  void check_identity();
  std::string spool_header() const;
  bool replay_spool_lines(const std::vector<std::string>& lines, const std::string& name);
  void replay_orphan(const std::filesystem::path& path);
  bool identity_mismatch_logged = false;
  void lost_connection(const std::exception& e);
  bool should_spool() const;
  template <class F>
  void count(F f) {
    std::lock_guard lk(m);
    f(stats);
  }
};

}  // namespace footfall::storage
