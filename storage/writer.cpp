#include "storage/writer.hpp"

#include <cstdlib>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/partitions.hpp"
#include "storage/spool.hpp"
#include "storage/validation.hpp"

namespace footfall::storage {
namespace {
using steady = std::chrono::steady_clock;
using detail::batch;
using detail::item;

// Column lists are compile-time constants: stream_to splices them into COPY unquoted.
const std::vector<std::string> visit_columns{
    "id", "session_id", "url", "title", "visit_order", "arrived_at", "left_at", "actions_count",
    "scroll_depth_percent", "ttfb_ms", "dom_content_loaded_ms", "load_ms", "console_errors",
    "failed_requests"};
const std::vector<std::string> action_columns{
    "id", "page_visit_id", "page_arrived_at", "action_type", "element_selector", "element_text",
    "coordinates_x", "coordinates_y", "input_value", "\"timestamp\"", "action_order", "duration_ms",
    "input_timing"};

constexpr const char* session_upsert_sql =
    "INSERT INTO sessions (id, campaign_id, persona_id, session_index, status, start_url, "
    "user_agent, viewport_width, viewport_height, session_duration_ms, pages_visited, "
    "total_actions, error_message, screenshot_path, created_at, started_at, completed_at) "
    "VALUES ($1, $2, $3, $4, $5::session_status, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "coalesce($15::timestamptz, now()), $16, $17) "
    "ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, start_url = EXCLUDED.start_url, "
    "user_agent = EXCLUDED.user_agent, viewport_width = EXCLUDED.viewport_width, "
    "viewport_height = EXCLUDED.viewport_height, session_duration_ms = EXCLUDED.session_duration_ms, "
    "pages_visited = EXCLUDED.pages_visited, total_actions = EXCLUDED.total_actions, "
    "error_message = EXCLUDED.error_message, screenshot_path = EXCLUDED.screenshot_path, "
    "started_at = coalesce(EXCLUDED.started_at, sessions.started_at), "
    "completed_at = coalesce(EXCLUDED.completed_at, sessions.completed_at)";

std::optional<std::string> opt_time(const std::optional<time_point>& t) {
  return t ? std::optional<std::string>(to_sql_time(*t)) : std::nullopt;
}

}  // namespace

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
  void replay_own_spool();
  void replay_orphans();
  void spool_batch(const batch& b);
  void reject(const batch& b, const std::string& error);
  void lost_connection(const std::exception& e);
  bool should_spool() const;
  template <class F>
  void count(F f) {
    std::lock_guard lk(m);
    f(stats);
  }
};

// ---- producer side ----------------------------------------------------------------------------

void writer::state::enqueue(item it, std::size_t rows) {
  std::unique_lock lk(m);
  if (stopped) throw std::logic_error("storage::writer: write() after close()");
  if (queued_rows > 0 && queued_rows + rows > opt.queue_rows) {
    ++stats.producer_waits;
    not_full.wait(lk, [&] { return queued_rows == 0 || queued_rows + rows <= opt.queue_rows || stopped; });
    if (stopped) throw std::logic_error("storage::writer: write() after close()");
  }
  const bool was_empty = queue.empty();
  if (was_empty) oldest_at = steady::now();
  const bool crosses = queued_rows < opt.batch_rows && queued_rows + rows >= opt.batch_rows;
  queue.push_back(std::move(it));
  queued_rows += rows;
  ++enqueued;
  lk.unlock();
  // Wake the writer only when it has something new to decide on: keeps write() syscall-free.
  if (was_empty || crosses) not_empty.notify_one();
}

writer::writer(writer_options o) {
  if (o.url.empty()) throw std::invalid_argument("storage::writer: writer_options.url is empty");
  if (o.queue_rows == 0 || o.batch_rows == 0)
    throw std::invalid_argument("storage::writer: queue_rows and batch_rows must be > 0");
  state_ = std::make_unique<state>(std::move(o));
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

writer::~writer() { close(); }

void writer::write(session_row s) {
  check(s);
  state_->enqueue(item(std::move(s)), 1);
}

void writer::write(page_record p) {
  check(p);
  const std::size_t rows = 1 + p.actions.size();
  state_->enqueue(item(std::move(p)), rows);
}

void writer::flush() {
  auto& s = *state_;
  std::unique_lock lk(s.m);
  const auto target = s.enqueued;
  s.flush_target = std::max(s.flush_target, target);
  s.not_empty.notify_one();
  s.progress.wait(lk, [&] { return s.done >= target || s.stopped; });
}

void writer::close() {
  auto& s = *state_;
  std::call_once(s.close_once, [&] {
    {
      std::lock_guard lk(s.m);
      s.closing = true;
      s.close_deadline = steady::now() + s.opt.close_timeout;
    }
    s.not_empty.notify_all();
    if (s.thread.joinable()) s.thread.join();
  });
}

writer_stats writer::stats() const {
  std::lock_guard lk(state_->m);
  auto st = state_->stats;
  st.queued_rows = state_->queued_rows;
  return st;
}

// ---- writer thread ----------------------------------------------------------------------------

// Collects the next batch: waits for a first item, then until batch_rows rows are queued, the
// oldest item is flush_interval old, or someone flushes or closes.
bool writer::state::take(batch& b) {
  std::unique_lock lk(m);
  not_empty.wait(lk, [&] { return !queue.empty() || closing; });
  if (queue.empty()) return false;
  not_empty.wait_until(lk, oldest_at + opt.flush_interval, [&] {
    return queued_rows >= opt.batch_rows || closing || flush_target > done;
  });
  b = batch{};
  b.id = uuid::v7();
  while (!queue.empty() && (b.items.empty() || b.rows + detail::rows_of(queue.front()) <= opt.batch_rows)) {
    b.rows += detail::rows_of(queue.front());
    b.items.push_back(std::move(queue.front()));
    queue.pop_front();
  }
  queued_rows -= b.rows;
  if (!queue.empty()) oldest_at = steady::now();
  lk.unlock();
  not_full.notify_all();
  return true;
}

void writer::state::run() {
  // Connect right away: spool files left by an earlier writer are replayed before new rows.
  try {
    ensure_connected();
  } catch (const std::exception& e) {
    spdlog::error("storage writer: replaying earlier spool files failed: {}", e.what());
  }
  batch b;
  for (;;) {
    if (!take(b)) break;
    const auto n = b.items.size();
    try {
      deliver(b);
    } catch (const std::exception& e) {
      // Only the spool file itself failing gets here (disk full): nothing else can keep the rows.
      spdlog::critical("storage writer: batch {} of {} rows could not be written nor spooled: {}",
                       b.id.str(), b.rows, e.what());
    }
    {
      std::lock_guard lk(m);
      done += n;
    }
    progress.notify_all();
  }
  if (spool_pending) {
    // Last chance before exiting: the database may be back by now.
    next_connect_attempt = {};
    try {
      if (ensure_connected()) replay_own_spool();
    } catch (const std::exception& e) {
      lost_connection(e);
    }
    if (spool_pending)
      spdlog::warn("storage writer: database still unreachable; batches stay in {} for the next "
                   "writer to replay", spool->path().string());
  }
  if (spool && spool->empty()) spool->remove();
  {
    std::lock_guard lk(m);
    stopped = true;
    spdlog::info("storage writer closed: {} rows in {} batches, {} spooled, {} replayed, {} "
                 "skipped as already written, {} items rejected, {} reconnects",
                 stats.rows_written, stats.batches_committed, stats.batches_spooled,
                 stats.batches_replayed, stats.batches_skipped, stats.rejected_items,
                 stats.reconnects);
  }
  progress.notify_all();
  not_full.notify_all();
}

bool writer::state::should_spool() const {
  if (!down_since) return false;
  const auto now = steady::now();
  bool closing_now;
  steady::time_point deadline;
  {
    std::lock_guard lk(m);
    closing_now = closing;
    deadline = close_deadline;
  }
  return now - *down_since >= opt.spool_after || (closing_now && now >= deadline);
}

void writer::state::deliver(batch& b) {
  for (;;) {
    if (ensure_connected()) {
      try {
        if (spool_pending) replay_own_spool();
        maintain_partitions();
        commit_or_split(b);
        down_since.reset();
        backoff = opt.reconnect_initial;
        return;
      } catch (const std::exception& e) {
        lost_connection(e);
        b.maybe_committed = true;
      }
    }
    if (spool_pending || should_spool()) {
      spool_batch(b);
      backoff = std::min(backoff * 2, opt.reconnect_max);
      return;
    }
    auto pause = backoff;
    {
      std::lock_guard lk(m);
      if (closing) pause = std::min(pause, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::max(close_deadline - steady::now(), steady::duration{})) +
                                               std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(pause);
    backoff = std::min(backoff * 2, opt.reconnect_max);
  }
}

void writer::state::lost_connection(const std::exception& e) {
  spdlog::warn("storage writer: database connection lost: {}", e.what());
  conn.reset();
  if (!down_since) down_since = steady::now();
}

// Daily partitions ahead, checked at connect and hourly, so rows rarely land in DEFAULT (a
// long-running writer crosses midnight). Failing here is not fatal: DEFAULT takes the rows.
void writer::state::maintain_partitions() {
  if (steady::now() < next_partition_check) return;
  next_partition_check = steady::now() + std::chrono::hours(1);
  try {
    ensure_partitions(*conn, clock::now());
  } catch (const std::exception& e) {
    spdlog::warn("storage writer: could not ensure partitions: {}", e.what());
    if (!conn->get().conn.is_open()) throw;
  }
}

bool writer::state::ensure_connected() {
  if (conn) return true;
  // While spooling, batches keep coming every flush_interval: retry the database at the backoff
  // pace, not for every batch.
  if (spool_pending && steady::now() < next_connect_attempt) return false;
  next_connect_attempt = steady::now() + backoff;
  try {
    conn = std::make_unique<connection>(opt.url);
    auto& c = conn->get().conn;
    c.prepare("ff_session_upsert", session_upsert_sql);
    c.prepare("ff_batch_exists", "SELECT 1 FROM writer_batches WHERE batch_id = $1");
    c.prepare("ff_batch_insert", "INSERT INTO writer_batches (batch_id, rows) VALUES ($1, $2)");
    if (ever_connected) {
      count([](auto& s) { ++s.reconnects; });
      spdlog::info("storage writer: reconnected");
    }
    ever_connected = true;
    maintain_partitions();
    if (opt.replay_orphan_spools) replay_orphans();
    return true;
  } catch (const std::exception& e) {
    if (conn) lost_connection(e);
    conn.reset();
    if (!down_since) down_since = steady::now();
    spdlog::debug("storage writer: connect failed: {}", e.what());
    return false;
  }
}

// Commits b; on a data error (the database refuses its content), retries item by item and
// rejects the items still refused. Connection failures propagate.
void writer::state::commit_or_split(batch& b) {
  try {
    commit(b);
  } catch (const std::exception& e) {
    if (!conn || !conn->get().conn.is_open() || is_connection_failure(e)) throw;
    if (b.items.size() == 1) {
      reject(b, e.what());
      return;
    }
    spdlog::warn("storage writer: batch {} refused ({}); retrying its {} items one by one",
                 b.id.str(), e.what(), b.items.size());
    for (auto& it : b.items) {
      batch one;
      one.id = uuid::v7();
      one.rows = detail::rows_of(it);
      one.items.push_back(std::move(it));
      commit_or_split(one);
    }
  }
}

bool writer::state::commit(batch& b) {
  auto& c = conn->get().conn;
  pqxx::work tx{c};
  if (b.maybe_committed && !tx.exec_prepared("ff_batch_exists", b.id.str()).empty()) {
    count([](auto& s) { ++s.batches_skipped; });
    return false;
  }
  std::size_t visits = 0, actions = 0;
  for (const auto& it : b.items) {
    if (auto* s = std::get_if<session_row>(&it)) {
      const bool epoch = s->created_at == time_point{};
      tx.exec_prepared("ff_session_upsert", s->id.str(), s->campaign_id.str(), s->persona_id.str(),
                       s->session_index, to_string(s->status).data(), s->start_url, s->user_agent,
                       s->viewport_width, s->viewport_height, s->session_duration_ms,
                       s->pages_visited, s->total_actions, s->error_message, s->screenshot_path,
                       epoch ? std::nullopt : opt_time(s->created_at), opt_time(s->started_at),
                       opt_time(s->completed_at));
    } else {
      const auto& p = std::get<page_record>(it);
      ++visits;
      actions += p.actions.size();
    }
  }
  // Parents first: page_visits, then their actions, in the same transaction.
  if (visits) {
    pqxx::stream_to out{tx, "page_visits", visit_columns};
    for (const auto& it : b.items)
      if (auto* p = std::get_if<page_record>(&it)) {
        const auto& v = p->visit;
        out << std::make_tuple(v.id.str(), v.session_id.str(), v.url, v.title, v.visit_order,
                               to_sql_time(v.arrived_at), opt_time(v.left_at), v.actions_count,
                               v.scroll_depth_percent, v.ttfb_ms, v.dom_content_loaded_ms,
                               v.load_ms, v.console_errors, v.failed_requests);
      }
    out.complete();
  }
  if (actions) {
    pqxx::stream_to out{tx, "actions", action_columns};
    for (const auto& it : b.items)
      if (auto* p = std::get_if<page_record>(&it)) {
        const auto visit_id = p->visit.id.str();
        const auto arrived = to_sql_time(p->visit.arrived_at);
        for (const auto& a : p->actions)
          out << std::make_tuple(a.id.str(), visit_id, arrived, to_string(a.type).data(),
                                 a.element_selector, a.element_text, a.x, a.y, a.input_value,
                                 to_sql_time(a.timestamp), a.action_order, a.duration_ms,
                                 a.input_timing);
      }
    out.complete();
  }
  tx.exec_prepared("ff_batch_insert", b.id.str(), static_cast<int>(b.rows));
  tx.commit();
  count([&](auto& s) {
    ++s.batches_committed;
    s.items_written += b.items.size();
    s.rows_written += b.rows;
    s.actions_written += actions;
  });
  return true;
}

void writer::state::spool_batch(const batch& b) {
  if (!spool) {
    spool = detail::spool_file::open_locked(opt.spool_dir / ("spool-" + writer_id.str() + ".jsonl"), true);
    spdlog::warn("storage writer: database unreachable; spooling batches to {}", spool->path().string());
  }
  spool->append(detail::to_json_line(b));
  spool_pending = true;
  count([](auto& s) { ++s.batches_spooled; });
}

void writer::state::replay_own_spool() {
  const auto lines = spool->lines();
  spdlog::info("storage writer: database back; replaying {} spooled batches", lines.size());
  for (const auto& line : lines) {
    batch b = detail::from_json_line(line);
    commit_or_split(b);
    count([](auto& s) { ++s.batches_replayed; });
  }
  spool->clear();
  spool_pending = false;
}

void writer::state::replay_orphans() {
  std::error_code ec;
  if (!std::filesystem::is_directory(opt.spool_dir, ec)) return;
  for (const auto& entry : std::filesystem::directory_iterator(opt.spool_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("spool-", 0) != 0 || entry.path().extension() != ".jsonl") continue;
    if (spool && entry.path() == spool->path()) continue;
    auto f = detail::spool_file::open_locked(entry.path(), false);
    if (!f) continue;  // its writer is alive
    const auto lines = f->lines();
    if (!lines.empty()) spdlog::info("storage writer: replaying {} batches left in {}", lines.size(), name);
    for (const auto& line : lines) {
      try {
        batch b = detail::from_json_line(line);
        commit_or_split(b);
        count([](auto& s) { ++s.batches_replayed; });
      } catch (const std::exception& e) {
        if (!conn || !conn->get().conn.is_open() || is_connection_failure(e)) throw;
        spdlog::error("storage writer: unreadable line in {}: {}", name, e.what());
      }
    }
    f->remove();
  }
}

void writer::state::reject(const batch& b, const std::string& error) {
  if (!rejected)
    rejected = detail::spool_file::open_locked(opt.spool_dir / ("rejected-" + writer_id.str() + ".jsonl"), true);
  spdlog::error("storage writer: database refused an item ({} rows), kept in {}: {}", b.rows,
                rejected->path().string(), error);
  rejected->append("{\"error\":" + nlohmann::json(error).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                   ",\"batch\":" + detail::to_json_line(b) + "}");
  count([](auto& s) { ++s.rejected_items; });
}

}  // namespace footfall::storage
