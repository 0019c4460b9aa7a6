#include "storage/writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/partitions.hpp"
#include "storage/spool.hpp"
#include "storage/storable_text.hpp"
#include "storage/validation.hpp"
#include "storage/writer_state.hpp"

namespace footfall::storage {
namespace {

// Column lists are compile-time constants: stream_to splices them into COPY unquoted.
const std::vector<std::string> visit_columns{
    "id", "session_id", "url", "title", "visit_order", "arrived_at", "left_at", "actions_count",
    "scroll_depth_percent", "ttfb_ms", "dom_content_loaded_ms", "load_ms", "console_errors",
    "failed_requests", "saturated", "navigation_kind", "text_repairs", "lcp_ms", "cls", "inp_ms",
    "fcp_ms", "request_count"};
const std::vector<std::string> action_columns{
    "id", "page_visit_id", "page_arrived_at", "action_type", "element_selector", "element_text",
    "coordinates_x", "coordinates_y", "input_value", "\"timestamp\"", "action_order", "duration_ms",
    "start_lag_ms", "navigation_kind", "input_timing"};
const std::vector<std::string> request_columns{
    "id", "page_visit_id", "page_arrived_at", "request_order", "url", "method", "resource_type",
    "status", "failed", "canceled", "error_text", "from_cache", "encoded_bytes", "mime_type",
    "protocol", "redirect_url", "started_at", "duration_ms", "blocked_ms", "dns_ms", "connect_ms",
    "ssl_ms", "send_ms", "wait_ms", "receive_ms"};

constexpr const char* session_upsert_sql =
    "INSERT INTO sessions (id, campaign_id, persona_id, session_index, status, start_url, "
    "user_agent, viewport_width, viewport_height, session_duration_ms, pages_visited, "
    "total_actions, error_message, screenshot_path, created_at, started_at, completed_at, "
    "text_repairs) "
    "VALUES ($1, $2, $3, $4, $5::session_status, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "coalesce($15::timestamptz, now()), $16, $17, $18) "
    "ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, start_url = EXCLUDED.start_url, "
    "user_agent = EXCLUDED.user_agent, viewport_width = EXCLUDED.viewport_width, "
    "viewport_height = EXCLUDED.viewport_height, session_duration_ms = EXCLUDED.session_duration_ms, "
    "pages_visited = EXCLUDED.pages_visited, total_actions = EXCLUDED.total_actions, "
    "error_message = EXCLUDED.error_message, screenshot_path = EXCLUDED.screenshot_path, "
    "text_repairs = EXCLUDED.text_repairs, "
    "started_at = coalesce(EXCLUDED.started_at, sessions.started_at), "
    "completed_at = coalesce(EXCLUDED.completed_at, sessions.completed_at), "
    "lease_expires_at = CASE WHEN EXCLUDED.status = 'running' THEN sessions.lease_expires_at END";

std::optional<std::string> opt_time(const std::optional<time_point>& t) {
  return t ? std::optional<std::string>(to_sql_time(*t)) : std::nullopt;
}

// Doubles as COPY text, the shortest that reads back equal (std::to_chars). libpqxx 6.4 formats a
// double through a stringstream, ~3,000 instructions a value (callgrind): a request row has
// eight of them, a page visit seven.
std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}
std::optional<std::string> num(const std::optional<double>& v) {
  return v ? std::optional<std::string>(num(*v)) : std::nullopt;
}

}  // namespace


// ---- producer side ----------------------------------------------------------------------------

void writer::state::enqueue(item it, std::size_t rows) {
  std::unique_lock lk(m);
  if (stopped) throw std::logic_error("storage::writer: write() after close()");
  if (queued_rows > 0 && queued_rows + rows > opt.queue_rows &&
      opt.when_full == overflow_policy::spill) {
    ++stats.overflow_writes;
  } else if (queued_rows > 0 && queued_rows + rows > opt.queue_rows) {
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

// Text is made storable first: before validation (which measures it), the queue, the spool and
// rejected-*.jsonl (which serialise it) and PostgreSQL (which refuses NUL and bad UTF-8).
void writer::write(session_row s) {
  if (const int n = make_storable(s)) state_->count([&](auto& st) { st.text_repairs += n; });
  check(s);
  state_->enqueue(item(std::move(s)), 1);
}

void writer::write(page_record p) {
  if (const int n = make_storable(p)) state_->count([&](auto& st) { st.text_repairs += n; });
  check(p);
  const std::size_t rows = 1 + p.actions.size() + p.requests.size();
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

void writer::close() { close(state_->opt.close_timeout); }

void writer::close(std::chrono::milliseconds timeout) {
  auto& s = *state_;
  std::call_once(s.close_once, [&] {
    {
      std::lock_guard lk(s.m);
      s.closing = true;
      s.close_deadline = steady::now() + timeout;
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
// With batches in the spool, an idle writer still wakes at the reconnect pace and hands back
// an empty batch: the spool is replayed as soon as the database is back, not when the next row
// arrives (the engine may be waiting on exactly those rows: a session's final status).
bool writer::state::take(batch& b) {
  std::unique_lock lk(m);
  const auto has_work = [&] { return !queue.empty() || closing; };
  if (spool_pending) {
    if (!not_empty.wait_for(lk, backoff, has_work)) {
      b = batch{};
      return true;
    }
  } else {
    not_empty.wait(lk, has_work);
  }
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
  // Unlock what is left: once closed, this writer's spool is an orphan any writer may replay.
  spool.reset();
  rejected.reset();
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
  std::size_t queued;
  {
    std::lock_guard lk(m);
    closing_now = closing;
    deadline = close_deadline;
    queued = queued_rows;
  }
  // Spilling: an over-full queue goes to disk at once rather than growing through the outage.
  if (opt.when_full == overflow_policy::spill && queued > opt.queue_rows) return true;
  return now - *down_since >= opt.spool_after || (closing_now && now >= deadline);
}

void writer::state::deliver(batch& b) {
  if (b.items.empty()) {  // an idle tick while spooling (see take)
    try {
      if (ensure_connected()) {
        if (spool_pending) replay_own_spool();
        down_since.reset();
        backoff = opt.reconnect_initial;
        return;
      }
    } catch (const std::exception& e) {
      lost_connection(e);
    }
    backoff = std::min(backoff * 2, opt.reconnect_max);
    return;
  }
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
    check_identity();
    auto& c = conn->get().conn;
    c.prepare("ff_session_upsert", session_upsert_sql);
    c.prepare("ff_session_fence",
              "SELECT id::text, attempt, worker_lost FROM sessions WHERE id = ANY($1::uuid[]) "
              "ORDER BY id FOR SHARE");
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

// Which items of the batch may be written: those of unfenced rows (attempt 0) and those whose
// attempt is the session's current one and whose session was not failed as lost. The sessions
// are read FOR SHARE, so a reclaim (which raises the attempt and deletes the earlier attempt's
// rows, storage/leases.cpp) waits for this transaction, and one that committed first is seen.
std::vector<bool> writer::state::fence(pqxx::work& tx, const batch& b) {
  std::vector<bool> keep(b.items.size(), true);
  std::map<std::string, int> wanted;
  for (const auto& it : b.items) {
    const auto [id, attempt] = detail::fencing_token(it);
    if (attempt > 0) wanted.emplace(id.str(), attempt);
  }
  if (wanted.empty()) return keep;
  std::string ids = "{";
  for (const auto& [id, a] : wanted) ids += (ids.size() > 1 ? "," : "") + id;
  ids += "}";
  std::map<std::string, std::pair<int, bool>> current;
  for (const auto& r : tx.exec_prepared("ff_session_fence", ids))
    current[r[0].c_str()] = {r[1].as<int>(), r[2].as<bool>()};
  std::uint64_t dropped = 0;
  for (std::size_t i = 0; i < b.items.size(); ++i) {
    const auto [id, attempt] = detail::fencing_token(b.items[i]);
    if (attempt <= 0) continue;
    const auto c = current.find(id.str());
    if (c == current.end()) continue;  // a new session: inserted by this batch
    if (c->second.first != attempt || c->second.second) {
      keep[i] = false;
      ++dropped;
      spdlog::warn("storage writer: dropping a row of session {} attempt {} (the session is at "
                   "attempt {}{}): its worker lost the lease",
                   id.str(), attempt, c->second.first, c->second.second ? ", failed as lost" : "");
    }
  }
  if (dropped) count([&](auto& s) { s.fenced_items += dropped; });
  return keep;
}

bool writer::state::commit(batch& b) {
  auto& c = conn->get().conn;
  pqxx::work tx{c};
  if (b.maybe_committed && !tx.exec_prepared("ff_batch_exists", b.id.str()).empty()) {
    count([](auto& s) { ++s.batches_skipped; });
    return false;
  }
  const auto keep = fence(tx, b);
  std::size_t visits = 0, actions = 0, requests = 0;
  for (std::size_t i = 0; i < b.items.size(); ++i) {
    if (!keep[i]) continue;
    const auto& it = b.items[i];
    if (auto* s = std::get_if<session_row>(&it)) {
      const bool epoch = s->created_at == time_point{};
      tx.exec_prepared("ff_session_upsert", s->id.str(), s->campaign_id.str(), s->persona_id.str(),
                       s->session_index, to_string(s->status).data(), s->start_url, s->user_agent,
                       s->viewport_width, s->viewport_height, s->session_duration_ms,
                       s->pages_visited, s->total_actions, s->error_message, s->screenshot_path,
                       epoch ? std::nullopt : opt_time(s->created_at), opt_time(s->started_at),
                       opt_time(s->completed_at), s->text_repairs);
    } else {
      const auto& p = std::get<page_record>(it);
      ++visits;
      actions += p.actions.size();
      requests += p.requests.size();
    }
  }
  // Parents first: page_visits, then their actions, in the same transaction.
  if (visits) {
    pqxx::stream_to out{tx, "page_visits", visit_columns};
    for (std::size_t i = 0; i < b.items.size(); ++i)
      if (auto* p = std::get_if<page_record>(&b.items[i]); p && keep[i]) {
        const auto& v = p->visit;
        out << std::make_tuple(v.id.str(), v.session_id.str(), v.url, v.title, v.visit_order,
                               to_sql_time(v.arrived_at), opt_time(v.left_at), v.actions_count,
                               v.scroll_depth_percent, num(v.ttfb_ms),
                               num(v.dom_content_loaded_ms), num(v.load_ms), v.console_errors,
                               v.failed_requests, v.saturated, v.navigation_kind, v.text_repairs,
                               num(v.lcp_ms), num(v.cls), num(v.inp_ms), num(v.fcp_ms),
                               v.request_count);
      }
    out.complete();
  }
  if (actions) {
    pqxx::stream_to out{tx, "actions", action_columns};
    for (std::size_t i = 0; i < b.items.size(); ++i)
      if (auto* p = std::get_if<page_record>(&b.items[i]); p && keep[i]) {
        const auto visit_id = p->visit.id.str();
        const auto arrived = to_sql_time(p->visit.arrived_at);
        for (const auto& a : p->actions)
          out << std::make_tuple(a.id.str(), visit_id, arrived, to_string(a.type).data(),
                                 a.element_selector, a.element_text, a.x, a.y, a.input_value,
                                 to_sql_time(a.timestamp), a.action_order, a.duration_ms,
                                 a.start_lag_ms, a.navigation_kind, a.input_timing);
      }
    out.complete();
  }
  if (requests) {
    pqxx::stream_to out{tx, "requests", request_columns};
    for (std::size_t i = 0; i < b.items.size(); ++i)
      if (auto* p = std::get_if<page_record>(&b.items[i]); p && keep[i]) {
        const auto visit_id = p->visit.id.str();
        const auto arrived = to_sql_time(p->visit.arrived_at);
        for (const auto& r : p->requests)
          out << std::make_tuple(r.id.str(), visit_id, arrived, r.request_order, r.url, r.method,
                                 r.resource_type, r.status, r.failed, r.canceled, r.error_text,
                                 r.from_cache, r.encoded_bytes, r.mime_type, r.protocol,
                                 r.redirect_url,
                                 to_sql_time(r.started_at), num(r.duration_ms), num(r.blocked_ms),
                                 num(r.dns_ms), num(r.connect_ms), num(r.ssl_ms), num(r.send_ms),
                                 num(r.wait_ms), num(r.receive_ms));
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
    s.requests_written += requests;
  });
  return true;
}

}  // namespace footfall::storage
