#include "engine/campaign/campaign_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <random>
#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "analytics/recompute.hpp"
#include "analytics/stats.hpp"
#include "cdp/input.hpp"
#include "cdp/io_thread.hpp"
#include "engine/campaign/campaign_db.hpp"
#include "engine/config/arrivals.hpp"
#include "engine/observe/metrics.hpp"
#include "engine/observe/resource_meter.hpp"
#include "engine/observe/run_events.hpp"
#include "engine/observe/saturation.hpp"
#include "storage/connection.hpp"
#include "storage/errors.hpp"
#include "storage/leases.hpp"
#include "storage/repositories.hpp"
#include "storage/traces.hpp"
#include "engine/journey/writer_sink.hpp"
#include "storage/writer.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using storage::campaign_status;
using storage::session_status;

namespace {

/// host:pid:random. The random part keeps names unique when a container restarts with the same
/// hostname and pid 1, so logs and claimed_by tell the lives apart. FOOTFALL_WORKER_NAME pins a
/// name instead (the worker then reclaims that name's sessions at start, without waiting for
/// their leases to expire).
std::string default_worker_name() {
  if (const char* w = std::getenv("FOOTFALL_WORKER_NAME"); w && *w) return w;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  char tag[8];
  std::snprintf(tag, sizeof tag, "%04x", std::random_device{}() & 0xffff);
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + tag;
}

/// A session this process runs, as its heartbeat names it.
struct held {
  storage::held_session s;
  bool finished = false;  ///< its final row is with the writer; renewed until it is committed
  std::chrono::steady_clock::time_point finished_at{};
};

/// How long a finished session's lease is kept up while its final row waits in the writer (a
/// spool replays within seconds of the database's return). Past it, a final row the database
/// refused cannot keep the session running forever: the lease lapses and the session is re-run.
constexpr auto finished_grace = std::chrono::minutes(2);

/// State shared by the coroutines of one run; lives on the io thread.
struct run_state {
  run_options o;
  storage::uuid campaign_id;
  std::shared_ptr<session_env> env;
  campaign_db* db = nullptr;
  /// Session analytics and traces: written on a thread and connection of their own, so a claim
  /// never queues behind them (on the claims' thread they held claims back by seconds and
  /// open-model arrivals that found room started 2-4 s late, round 8).
  campaign_db* side_db = nullptr;
  milliseconds lease{30'000};
  int max_attempts = 3;
  campaign_status status = campaign_status::running;
  storage::session_counts counts;
  std::map<storage::uuid, held> held_sessions;  ///< renewed by the heartbeat
  bool stopping = false;                        ///< no new claims (signal)
  bool finished = false;                        ///< workers are done; the monitor and heartbeat end
  int workers_left = 0;
  std::unique_ptr<asio::steady_timer> changed;  ///< condition variable for workers_left
  std::atomic<bool> abort{false};
  run_counters counters;
  lease_counters leases;
  /// Open model: drop arrivals this late (claim_request::max_lateness); none: closed model.
  std::optional<milliseconds> max_lateness;
  long dropped_here = 0;  ///< arrivals this process's claims dropped
  std::shared_ptr<void> keepalive;  ///< the signal handler
  /// Set at the first signal: when the drain must be over (the process exits by then).
  std::optional<std::chrono::steady_clock::time_point> drain_until;
  std::unique_ptr<asio::steady_timer> drain_timer;  ///< aborts the sessions left at its end
  /// Browsers' CPU and memory, for campaign_analytics; the first sample before any browser starts.
  resource_sampler resources;
  std::shared_ptr<saturation_log> saturation =  ///< when footfall itself was saturated
      std::make_shared<saturation_log>(saturation_limits::from_env());
};

asio::awaitable<void> sleep_ms(long ms) { co_await cdp::sleep_for(milliseconds(ms)); }

void note_reclaims(run_state& st, const storage::reclaim_result& r) {
  if (!r.requeued && !r.failed) return;
  st.leases.reclaimed += r.requeued;
  events().lease_reclaims += r.requeued + r.failed;  // footfall_lease_reclaims_total
  st.leases.failed_lost += r.failed;
  spdlog::warn(
      "reclaimed {} session(s) of lost workers (expired leases): {} back to pending, {} "
      "failed after {} attempts",
      r.requeued + r.failed, r.requeued, r.failed, st.max_attempts);
}

/// How long a worker that claimed nothing waits before it asks again. At the cap, or waiting on
/// live leases, it polls (a slot frees when any worker's session ends). With room but no arrival
/// due, it sleeps until the next planned start the database named — at most 2 s, so a pause or a
/// signal is still seen.
long idle_wait_ms(const run_state& st, const storage::claim_outcome& got) {
  const bool room = got.holding < st.env->campaign.concurrent_sessions;
  if (st.max_lateness && got.next_due && room)
    return std::clamp<long>(static_cast<long>(got.next_due->count()), 5, 2000);
  return got.pending > 0 ? 200 : 500;
}

void note_drops(run_state& st, const storage::claim_outcome& got) {
  if (got.dropped == 0) return;
  st.dropped_here += got.dropped;
  spdlog::warn("dropped {} arrival(s) not started within max_lateness_s ({} s) of their planned "
               "start (the concurrent_sessions cap of {} was full)",
               got.dropped, st.max_lateness->count() / 1000, st.env->campaign.concurrent_sessions);
}

/// Claims one session at a time and runs it, until every session of the campaign has ended.
/// Nothing claimable is not the end while leases are live: one of them may yet be lost.
asio::awaitable<void> worker_loop(std::shared_ptr<run_state> st) {
  while (!st->stopping && !st->abort) {
    if (st->status == campaign_status::paused) {
      co_await sleep_ms(300);
      continue;
    }
    if (st->status != campaign_status::running) break;
    storage::claim_request req;
    req.campaign_id = st->campaign_id;
    req.worker = st->o.worker_name;
    req.cap = st->env->campaign.concurrent_sessions;
    req.lease = st->lease;
    req.max_attempts = st->max_attempts;
    req.max_lateness = st->max_lateness;
    for (const auto& [id, h] : st->held_sessions) {
      req.alive.push_back(id);
      if (h.finished) req.finished.push_back(id);
    }
    std::function<storage::claim_outcome(storage::connection&)> claim = [req](auto& c) {
      return storage::lease_repository(c).claim(req);
    };
    const auto got =
        co_await st->db->run<storage::claim_outcome>("claiming sessions", std::move(claim));
    note_reclaims(*st, got.reclaimed);
    note_drops(*st, got);
    if (got.claimed.empty()) {
      if (got.pending == 0 && got.running == 0) break;  // every session has ended
      spdlog::debug("nothing to claim: running={} (holding a slot {}) pending={} next_due_ms={}",
                    got.running, got.holding, got.pending,
                    got.next_due ? got.next_due->count() : -1);
      co_await sleep_ms(idle_wait_ms(*st, got));
      continue;
    }
    const auto row = got.claimed.front();
    st->held_sessions[row.id] = {{row.id, row.attempt}, false};
    spdlog::debug("session {} index={} attempt={} claimed", row.id.str(), row.session_index,
                  row.attempt);
    co_await run_session(st->env, row);
    if (auto it = st->held_sessions.find(row.id); it != st->held_sessions.end()) {
      it->second.finished = true;
      it->second.finished_at = std::chrono::steady_clock::now();
    }
  }
}

/// Renews the leases of this process's sessions (one batched UPDATE per interval, on the
/// database thread) and reclaims expired ones of other workers. A session of ours not renewed was
/// finished (its final row committed) or lost.
asio::awaitable<void> heartbeat_loop(std::shared_ptr<run_state> st) {
  const long every = std::max<long>(250, st->lease.count() / 4);
  while (!st->finished) {
    co_await sleep_ms(every);
    std::erase_if(st->held_sessions, [](const auto& kv) {
      return kv.second.finished &&
             std::chrono::steady_clock::now() - kv.second.finished_at > finished_grace;
    });
    std::vector<storage::held_session> held;
    std::vector<storage::uuid> alive;
    for (const auto& [id, h] : st->held_sessions) {
      held.push_back(h.s);
      alive.push_back(id);
    }
    const auto worker = st->o.worker_name;
    const auto lease = st->lease;
    const auto campaign = st->campaign_id;
    const int max_attempts = st->max_attempts;
    using beat_t = std::pair<std::vector<storage::uuid>, storage::reclaim_result>;
    // Renew ours, then rescue lost ones: reclaim runs here too, not only in claims, because a
    // worker whose contexts are all busy does not claim, and a lost lease must not wait for it.
    std::function<beat_t(storage::connection&)> renew = [=](auto& c) {
      storage::lease_repository leases(c);
      auto renewed = leases.renew(held, worker, lease);
      return std::make_pair(std::move(renewed),
                            leases.reclaim_expired(campaign, max_attempts, alive));
    };
    std::vector<storage::uuid> renewed;
    try {
      auto beat = co_await st->db->run<beat_t>("renewing leases", std::move(renew));
      renewed = std::move(beat.first);
      note_reclaims(*st, beat.second);
    } catch (const std::exception& e) {
      spdlog::error("heartbeat: {}", e.what());
      continue;
    }
    const std::set<storage::uuid> kept(renewed.begin(), renewed.end());
    for (const auto& h : held) {
      if (kept.count(h.id)) continue;
      auto it = st->held_sessions.find(h.id);
      if (it == st->held_sessions.end()) continue;
      if (!it->second.finished) {
        ++st->leases.lost_here;
        spdlog::error(
            "session {} attempt {}: lease lost (reclaimed by another worker); its "
            "further rows are refused by the writer's attempt fence",
            h.id.str(), h.attempt);
      }
      st->held_sessions.erase(it);
    }
  }
}

asio::awaitable<void> monitor_loop(std::shared_ptr<run_state> st) {
  while (!st->finished) {
    const auto id = st->campaign_id;
    try {
      using state_t = std::pair<campaign_status, storage::session_counts>;
      const bool open_model = st->max_lateness.has_value();
      std::function<state_t(storage::connection&)> read = [id, open_model](auto& conn) {
        storage::campaign_repository campaigns(conn);
        storage::session_repository sessions(conn);
        auto c = campaigns.find(id);
        auto counts = sessions.counts(id);
        if (open_model) counts.arrivals = storage::load_arrival_stats(conn, id);
        return std::make_pair(c ? c->status : campaign_status::failed, std::move(counts));
      };
      const state_t got = co_await st->db->run<state_t>("checking the campaign", std::move(read));
      const auto& [status, counts] = got;
      if (status != st->status)
        spdlog::info("campaign {} is now {}", id.str(), storage::to_string(status));
      st->status = status;
      st->counts = counts;
      if (st->o.progress) st->o.progress(st->counts, st->counters, st->status, st->stopping, false);
    } catch (const std::exception& e) {
      spdlog::warn("campaign status check failed: {}", e.what());
    }
    co_await sleep_ms(500);
  }
}

void log_loop_end(const char* what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("{} stopped: {}", what, x.what());
  }
}

asio::awaitable<void> supervise(std::shared_ptr<run_state> st, browser_pool* pool, int workers) {
  auto ex = co_await asio::this_coro::executor;
  st->changed = std::make_unique<asio::steady_timer>(ex);
  st->workers_left = workers;
  for (int i = 0; i < workers; ++i) {
    asio::co_spawn(ex, worker_loop(st), [st](std::exception_ptr e) {
      if (e) st->leases.worker_errors++;
      log_loop_end("worker", e);
      --st->workers_left;
      st->changed->cancel();
    });
  }
  asio::co_spawn(ex, monitor_loop(st), [](std::exception_ptr e) { log_loop_end("monitor", e); });
  asio::co_spawn(ex, heartbeat_loop(st),
                 [](std::exception_ptr e) { log_loop_end("heartbeat", e); });
  auto stop_watch = std::make_shared<std::atomic<bool>>(false);
  asio::co_spawn(ex, watch_saturation(st->saturation, stop_watch), [](std::exception_ptr e) {
    if (e) spdlog::warn("saturation watch stopped early");
  });
  while (st->workers_left > 0) {
    st->resources.watch(pool->pids());
    boost::system::error_code ec;
    st->changed->expires_after(std::chrono::seconds(1));
    co_await st->changed->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  st->finished = true;
  *stop_watch = true;
  co_await pool->shutdown();
}

void start_running(storage::connection& conn, const storage::uuid& id, bool resume_paused) {
  storage::campaign_repository campaigns(conn);
  auto c = campaigns.find(id);
  if (!c) throw storage::not_found_error("campaign " + id.str() + ": not found");
  if (c->status == campaign_status::pending ||
      (resume_paused && c->status == campaign_status::paused)) {
    try {
      campaigns.transition(id, campaign_status::running);
    } catch (const storage::transition_error&) {
      // Another worker moved it first.
    }
  }
}

struct finish_result {
  campaign_status status = campaign_status::running;
  bool finished_here = false;  ///< this worker moved the campaign to its final status
};

/// When every session has ended: completed, or failed when none completed (the site was never
/// reachable, say). transition() locks the campaign row, so exactly one worker finishes it.
finish_result finish_if_done(storage::connection& conn, const storage::uuid& id) {
  storage::campaign_repository campaigns(conn);
  storage::session_repository sessions(conn);
  const auto counts = sessions.counts(id);
  auto c = campaigns.find(id);
  if (!c) return {campaign_status::failed, false};
  if (counts.of(session_status::pending) > 0 || counts.of(session_status::running) > 0 ||
      c->status != campaign_status::running)
    return {c->status, false};
  const auto to = counts.of(session_status::completed) > 0 ? campaign_status::completed
                                                           : campaign_status::failed;
  try {
    return {campaigns.transition(id, to).status, true};
  } catch (const storage::transition_error&) {
    return {campaigns.find(id)->status, false};
  }
}

/// Hands a session's trace to the database thread (the io thread never waits on it), which
/// retries it through a refused connection or an outage.
void store_trace(campaign_db* db, storage::session_trace t) {
  const std::string what = "storing the trace of session " + t.session_id.str();
  db->post_retrying(what, [t = std::move(t)](storage::connection& c) {
    if (!storage::insert_trace(c, t))
      spdlog::warn("trace of session {} attempt {} dropped: the attempt lost its lease",
                   t.session_id.str(), t.attempt);
  });
}

std::shared_ptr<session_env> make_env(run_state& st, const storage::campaign& campaign,
                                      const storage::persona& persona, session_sink& sink,
                                      browser_pool& pool, rate_limiter& limiter) {
  auto env = std::make_shared<session_env>();
  env->campaign = campaign;
  env->settings = campaign_settings::from_json(campaign.settings);
  env->persona = persona;
  env->pace = st.o.pace.value_or(env->settings.pace);
  env->slow_mo_ms = st.o.slow_mo_ms;
  env->saturation = st.saturation.get();
  env->screenshot_dir = st.o.screenshot_dir;
  env->faults = st.o.faults;
  env->sink = &sink;
  env->pool = &pool;
  env->limiter = &limiter;
  env->counters = &st.counters;
  env->abort = &st.abort;
  env->before_close = st.o.before_close;
  env->trace = st.o.trace;
  env->trace_bounds = st.o.trace_bounds;
  env->on_trace = [db = st.side_db](storage::session_trace t) { store_trace(db, std::move(t)); };
  if (st.o.record_analytics) {
    // Best effort, no retry: finish_campaign recomputes every session's analytics at the end.
    auto* db = st.side_db;
    env->on_session_end = [db](const storage::session_row& row,
                               std::vector<storage::page_record> pages,
                               storage::session_signals signals) {
      asio::post(db->executor(), [db, row, pages = std::move(pages), signals] {
        try {
          analytics::record_session_analytics(db->connection_on_db_thread(), row, pages, signals);
        } catch (const std::exception& e) {
          spdlog::warn("session analytics for {}: {}", row.id.str(), e.what());
        }
      });
    };
  }
  return env;
}

/// The session part of the drain budget: the writer keeps the rest to commit or spool.
milliseconds session_drain(milliseconds drain) {
  const auto writer_part = std::clamp(drain / 4, milliseconds(1000), milliseconds(5000));
  return std::max(drain / 2, drain - writer_part);
}

/// First signal: database steps stop waiting out outages (a down database must not hold the
/// exit), and when the sessions' part of the budget is spent the ones still running are stopped
/// where they are (their browsers killed, nothing more written: engine/session_runner.cpp) and
/// left for their leases to lapse and another worker to run them.
void start_drain(const std::shared_ptr<run_state>& st, const asio::any_io_executor& io) {
  st->drain_until = std::chrono::steady_clock::now() + st->o.drain;
  st->db->stop_waiting_out_outages();
  st->side_db->stop_waiting_out_outages();
  st->drain_timer = std::make_unique<asio::steady_timer>(io, session_drain(st->o.drain));
  st->drain_timer->async_wait([st](const boost::system::error_code& ec) {
    if (ec || st->finished) return;
    spdlog::warn("drain budget spent: stopping {} running session(s); their leases lapse and "
                 "another worker runs them",
                 st->counters.running.load());
    st->abort = true;
    cdp::kill_all_browsers_from_signal();
  });
}

void install_signals(std::shared_ptr<run_state> st, asio::signal_set* signals) {
  auto handler = std::make_shared<std::function<void(const boost::system::error_code&, int)>>();
  *handler = [st, h = std::weak_ptr(handler), signals](const boost::system::error_code& ec, int n) {
    if (ec) return;
    if (!st->stopping) {
      st->stopping = true;
      start_drain(st, signals->get_executor());
      spdlog::warn("signal {}: no new sessions; running ones get {} ms to finish (signal again "
                   "to abort them now)",
                   n, st->o.drain.count());
      if (auto self = h.lock()) signals->async_wait(*self);
    } else {
      spdlog::warn("signal {} again: aborting running sessions", n);
      st->abort = true;
      cdp::kill_all_browsers_from_signal();
    }
  };
  signals->async_wait(*handler);
  // The handler owns nothing of itself; keep it alive for the run.
  st->keepalive = handler;
}

/// What a run starts from: the campaign (moved to running), its persona, the database identity.
struct run_start {
  storage::campaign campaign;
  storage::persona persona;
  std::string database_identity;
};

run_start begin_run(campaign_db& db, const storage::uuid& id, bool resume_paused) {
  return db.run_blocking<run_start>("starting", [&](auto& conn) {
    start_running(conn, id, resume_paused);
    auto c = storage::campaign_repository(conn).find(id).value();
    auto p = storage::persona_repository(conn).find(c.persona_id);
    if (!p) throw storage::not_found_error("persona " + c.persona_id.str() + ": not found");
    return run_start{c, *p, storage::database_identity(conn)};
  });
}

/// Completes the campaign when every session has ended, and then (this worker only: exactly
/// one completes it) its analytics. Runs after the queued session analytics (one db thread).
finish_result end_run(campaign_db& db, const run_state& st, const storage::resource_usage& res) {
  const auto id = st.campaign_id;
  const bool stopping = st.stopping;
  const auto fin = db.run_blocking<finish_result>("finishing the campaign", [&](auto& conn) {
    if (stopping) return finish_result{storage::campaign_repository(conn).find(id)->status, false};
    return finish_if_done(conn, id);
  });
  if (!st.o.record_analytics || !fin.finished_here) return fin;
  try {
    db.run_blocking<bool>("campaign analytics", [&](auto& conn) {
      analytics::finish_campaign(conn, id, res);
      return true;
    });
  } catch (const std::exception& e) {
    spdlog::warn("campaign analytics: {}", e.what());
  }
  return fin;
}

void add_counters(run_summary& out, run_state& st, const storage::writer_stats& ws) {
  {
    std::lock_guard lk(st.counters.m);
    out.run_sessions = st.counters.by_status;
    out.actions_by_type = st.counters.by_type;
    out.p50_dwell_ms = analytics::quantile(st.counters.dwell_ms, 0.5);
  }
  out.pages = st.counters.pages;
  out.actions = st.counters.actions;
  out.leases = st.leases;
  out.worker_name = st.o.worker_name;
  out.batches_spooled = static_cast<long>(ws.batches_spooled);
  out.fenced_items = static_cast<long>(ws.fenced_items);
}

}  // namespace

std::size_t materialize_sessions(const std::string& url, const storage::campaign& c) {
  storage::connection conn(url);
  const auto settings = campaign_settings::from_json(c.settings);
  std::vector<storage::session_row> rows;
  rows.reserve(static_cast<std::size_t>(c.total_sessions));
  // Open model: each session's planned start, from the campaign seed (engine/config/arrivals.hpp).
  const auto plan = plan_arrivals(settings.arrivals, c.total_sessions, c.seed);
  for (int i = 0; i < c.total_sessions; ++i) {
    storage::session_row s;
    s.id = storage::uuid::v7();
    s.campaign_id = c.id;
    s.persona_id = c.persona_id;
    s.session_index = i;
    s.start_url = c.target_url;
    if (!plan.empty()) s.planned_offset_ms = plan[static_cast<std::size_t>(i)];
    assign_identity(c, settings, s);
    rows.push_back(std::move(s));
  }
  return storage::session_repository(conn).materialize(rows);
}

run_summary run_campaign(const storage::uuid& campaign_id, run_options o, bool resume_paused) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.worker_name.empty()) o.worker_name = default_worker_name();
  asio::thread_pool db_pool(1), side_pool(1), blocking(2);
  campaign_db db(db_pool.get_executor(), o.database_url, o.outage);
  campaign_db side_db(side_pool.get_executor(), o.database_url, o.outage);
  const auto [campaign, persona, identity] = begin_run(db, campaign_id, resume_paused);
  const auto settings = campaign_settings::from_json(campaign.settings);

  auto st = std::make_shared<run_state>();
  st->o = o;
  st->campaign_id = campaign_id;
  st->db = &db;
  st->side_db = &side_db;
  st->lease = o.lease.value_or(milliseconds(settings.lease_s * 1000L));
  st->max_attempts = settings.max_attempts;
  if (!settings.arrivals.empty()) st->max_lateness = milliseconds(settings.max_lateness_s * 1000L);
  st->status =
      campaign.status == campaign_status::pending ? campaign_status::running : campaign.status;
  if (std::getenv("FOOTFALL_WORKER_NAME")) {
    // A restarted worker with a pinned name (a Kubernetes pod) takes back what it left running.
    note_reclaims(*st, db.run_blocking<storage::reclaim_result>("reclaiming", [&](auto& conn) {
      return storage::lease_repository(conn).reclaim_worker(campaign_id, o.worker_name,
                                                            st->max_attempts);
    }));
  }

  storage::writer_options wo;
  wo.url = o.database_url;
  wo.database_identity = identity;  // its spool is this database's, whatever the URL reaches
  // The io thread hands pages over and never waits (writer.hpp, overflow_policy::spill).
  wo.when_full = storage::overflow_policy::spill;
  storage::writer writer(wo);
  writer_metrics_scope writer_metrics(o.export_metrics, writer);
  cdp::io_thread io;
  browser_pool pool(io.executor(), blocking.get_executor(), o.pool);
  rate_limiter limiter(milliseconds(campaign.rate_limit_delay_ms));
  writer_sink sink(writer);
  st->env = make_env(*st, campaign, persona, sink, pool, limiter);

  const int workers = std::max(1, std::min(campaign.concurrent_sessions, pool.capacity()));
  spdlog::info(
      "campaign {} \"{}\": {} sessions, {} at once here ({} browser(s) x {} contexts), pace {}, "
      "worker {}, lease {} ms",
      campaign_id.str(), campaign.name, campaign.total_sessions, workers, o.pool.browsers,
      o.pool.contexts_per_browser, st->env->pace, o.worker_name, st->lease.count());

  std::unique_ptr<asio::signal_set> signals;
  if (o.handle_signals) {
    signals = std::make_unique<asio::signal_set>(io.context(), SIGINT, SIGTERM);
    install_signals(st, signals.get());
  }
  io.run(supervise(st, &pool, workers));
  if (signals)
    io.run([](asio::signal_set* s) -> asio::awaitable<void> {
      boost::system::error_code ec;
      s->cancel(ec);
      co_return;
    }(signals.get()));
  // The drain timer dies on the io thread, before the io_context it belongs to.
  io.run([](std::shared_ptr<run_state> s) -> asio::awaitable<void> {
    s->drain_timer.reset();
    co_return;
  }(st));
  // After a signal the writer gets what is left of the drain budget: it commits, or spools
  // what a down database cannot take, and the process exits inside the grace period.
  const auto left_ms = [&] {
    return std::max(milliseconds(500), std::chrono::duration_cast<milliseconds>(
                                           *st->drain_until - std::chrono::steady_clock::now()) -
                                           milliseconds(500));
  };
  if (st->drain_until)
    writer.close(left_ms());
  else
    writer.flush();

  run_summary out;
  out.campaign_id = campaign_id;
  out.campaign_name = campaign.name;
  out.interrupted = st->stopping;
  out.browser_launches = pool.launches();
  out.browser_replacements = pool.replacements();
  const auto wall_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t0).count();
  const auto resources = st->resources.finish(wall_ms);
  if (const auto s = st->saturation->summarize(); s.saturated_intervals > 0)
    spdlog::warn(
        "footfall was saturated for {:.1f} of {:.0f} s (machine CPU >= {:.0f} % or io-thread lag "
        ">= {:.0f} ms; lag p50 {:.0f} ms, p95 {:.0f} ms): a page load whose own navigation was "
        "saturated is flagged (page_visits.saturated), and compare compares it only with "
        "flagged loads of the same path",
        s.saturated_seconds, s.seconds, 100 * st->saturation->limits().cpu_busy,
        st->saturation->limits().lag_ms, s.lag_p50_ms, s.lag_p95_ms);
  // Every session's analytics and trace are written before the campaign is finished (its
  // rollups read them): the side thread runs its queue in order, so a no-op after it is the end.
  if (!st->drain_until)
    side_db.run_blocking<int>("writing session analytics", [](storage::connection&) { return 0; });
  // Interrupted: the last state the monitor read stands in for the database's (which may be
  // down, and the drain has no time to wait for it).
  const auto fin = st->drain_until ? finish_result{st->status, false}
                                   : end_run(db, *st, resources);
  const auto counts =
      st->drain_until
          ? st->counts
          : db.run_blocking<storage::session_counts>("counting sessions", [&](auto& conn) {
              auto counts = storage::session_repository(conn).counts(campaign_id);
              if (st->max_lateness) counts.arrivals = storage::load_arrival_stats(conn, campaign_id);
              return counts;
            });
  if (st->o.progress) st->o.progress(counts, st->counters, fin.status, st->stopping, true);
  db_pool.join();
  side_pool.join();
  writer.close();
  out.campaign_status = fin.status;
  out.finished_here = fin.finished_here;
  for (const auto& [s, n] : counts.by_status) out.campaign_sessions[s] = static_cast<long>(n);
  out.arrivals = counts.arrivals;
  out.dropped_here = st->dropped_here;
  add_counters(out, *st, writer.stats());
  out.outage_s = db.outage_seconds();
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (st->leases.worker_errors > 0 && !out.interrupted && fin.status == campaign_status::running)
    throw storage::database_error("the run stopped before its campaign ended (see the log)");
  return out;
}

}  // namespace footfall::engine
