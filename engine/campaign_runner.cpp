#include "engine/campaign_runner.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <csignal>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "analytics/recompute.hpp"
#include "analytics/stats.hpp"
#include "cdp/input.hpp"
#include "cdp/io_thread.hpp"
#include "engine/offload.hpp"
#include "engine/resource_meter.hpp"
#include "engine/saturation.hpp"
#include "storage/connection.hpp"
#include "storage/errors.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using storage::campaign_status;
using storage::session_status;

namespace {

std::string default_worker_name() {
  if (const char* w = std::getenv("FOOTFALL_WORKER_NAME"); w && *w) return w;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

/// State shared by the coroutines of one run; lives on the io thread.
struct run_state {
  run_options o;
  storage::uuid campaign_id;
  std::shared_ptr<session_env> env;
  asio::any_io_executor db;
  storage::connection* conn = nullptr;
  campaign_status status = campaign_status::running;
  storage::session_counts counts;
  bool stopping = false;  ///< no new claims (signal)
  bool finished = false;  ///< workers are done; the monitor ends
  int workers_left = 0;
  std::unique_ptr<asio::steady_timer> changed;  ///< condition variable for workers_left
  std::atomic<bool> abort{false};
  run_counters counters;
  std::shared_ptr<void> keepalive;  ///< the signal handler
  resource_meter meter;             ///< browsers' CPU and memory, for campaign_analytics
  std::shared_ptr<saturation_log> saturation =  ///< when footfall itself was saturated
      std::make_shared<saturation_log>(saturation_limits::from_env());
};

/// One claim attempt: a session, or why there is none.
struct claim_result {
  std::optional<storage::session_row> row;
  bool busy = false;  ///< the campaign already runs concurrent_sessions sessions
};

asio::awaitable<void> sleep_ms(long ms) { co_await cdp::sleep_for(std::chrono::milliseconds(ms)); }

asio::awaitable<void> worker_loop(std::shared_ptr<run_state> st) {
  while (!st->stopping && !st->abort) {
    if (st->status == campaign_status::paused) {
      co_await sleep_ms(300);
      continue;
    }
    if (st->status != campaign_status::running) break;
    auto* conn = st->conn;
    const auto id = st->campaign_id;
    const int limit = st->env->campaign.concurrent_sessions;
    const auto worker = st->o.worker_name;
    // g++ 12 mishandles lambda temporaries inside co_await expressions: name the function.
    std::function<claim_result()> claim = [conn, id, limit, worker] {
      storage::session_repository repo(*conn);
      claim_result r;
      // Across worker processes too: never more than concurrent_sessions running at once.
      if (repo.counts(id).of(session_status::running) >= limit) {
        r.busy = true;
        return r;
      }
      auto rows = repo.claim(id, 1, worker);
      if (!rows.empty()) r.row = std::move(rows.front());
      return r;
    };
    const claim_result got = co_await offload<claim_result>(st->db, std::move(claim));
    if (got.busy) {
      co_await sleep_ms(200);
      continue;
    }
    if (!got.row) break;  // nothing pending: this worker is done
    spdlog::debug("session {} index={} claimed", got.row->id.str(), got.row->session_index);
    co_await run_session(st->env, *got.row);
  }
}

asio::awaitable<void> monitor_loop(std::shared_ptr<run_state> st) {
  while (!st->finished) {
    auto* conn = st->conn;
    const auto id = st->campaign_id;
    try {
      using state_t = std::pair<campaign_status, storage::session_counts>;
      std::function<state_t()> read = [conn, id] {
        storage::campaign_repository campaigns(*conn);
        storage::session_repository sessions(*conn);
        auto c = campaigns.find(id);
        return std::make_pair(c ? c->status : campaign_status::failed, sessions.counts(id));
      };
      const state_t got = co_await offload<state_t>(st->db, std::move(read));
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

asio::awaitable<void> supervise(std::shared_ptr<run_state> st, browser_pool* pool, int workers) {
  auto ex = co_await asio::this_coro::executor;
  st->changed = std::make_unique<asio::steady_timer>(ex);
  st->workers_left = workers;
  for (int i = 0; i < workers; ++i) {
    asio::co_spawn(ex, worker_loop(st), [st](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::error("worker stopped: {}", x.what());
        }
      }
      --st->workers_left;
      st->changed->cancel();
    });
  }
  asio::co_spawn(ex, monitor_loop(st), [](std::exception_ptr) {});
  auto stop_watch = std::make_shared<std::atomic<bool>>(false);
  asio::co_spawn(ex, watch_saturation(st->saturation, stop_watch), [](std::exception_ptr e) {
    if (e) spdlog::warn("saturation watch stopped early");
  });
  while (st->workers_left > 0) {
    st->meter.sample(pool->pids());
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

/// When every session has ended: completed, or failed when none completed (the site was never
/// reachable, say). Another worker may have done it already.
campaign_status finish_if_done(storage::connection& conn, const storage::uuid& id) {
  storage::campaign_repository campaigns(conn);
  storage::session_repository sessions(conn);
  const auto counts = sessions.counts(id);
  auto c = campaigns.find(id);
  if (!c) return campaign_status::failed;
  if (counts.of(session_status::pending) > 0 || counts.of(session_status::running) > 0 ||
      c->status != campaign_status::running)
    return c->status;
  const auto to = counts.of(session_status::completed) > 0 ? campaign_status::completed
                                                           : campaign_status::failed;
  try {
    return campaigns.transition(id, to).status;
  } catch (const storage::transition_error&) {
    return campaigns.find(id)->status;
  }
}

}  // namespace

std::size_t materialize_sessions(const std::string& url, const storage::campaign& c) {
  storage::connection conn(url);
  const auto settings = campaign_settings::from_json(c.settings);
  std::vector<storage::session_row> rows;
  rows.reserve(static_cast<std::size_t>(c.total_sessions));
  for (int i = 0; i < c.total_sessions; ++i) {
    storage::session_row s;
    s.id = storage::uuid::v7();
    s.campaign_id = c.id;
    s.persona_id = c.persona_id;
    s.session_index = i;
    s.start_url = c.target_url;
    assign_identity(c, settings, s);
    rows.push_back(std::move(s));
  }
  return storage::session_repository(conn).materialize(rows);
}

run_summary run_campaign(const storage::uuid& campaign_id, run_options o, bool resume_paused) {
  const auto t0 = std::chrono::steady_clock::now();
  if (o.worker_name.empty()) o.worker_name = default_worker_name();
  storage::connection conn(o.database_url);
  start_running(conn, campaign_id, resume_paused);
  auto campaign = storage::campaign_repository(conn).find(campaign_id).value();
  auto persona = storage::persona_repository(conn).find(campaign.persona_id);
  if (!persona)
    throw storage::not_found_error("persona " + campaign.persona_id.str() + ": not found");
  if (std::getenv("FOOTFALL_WORKER_NAME")) {
    // A restarted worker with a stable name (a Kubernetes pod) takes back what it left running.
    const auto n = storage::session_repository(conn).release(campaign_id, o.worker_name);
    if (n) spdlog::info("released {} session(s) left running by an earlier {}", n, o.worker_name);
  }

  storage::writer_options wo;
  wo.url = o.database_url;
  storage::writer writer(wo);
  asio::thread_pool db_pool(1), blocking(2);
  cdp::io_thread io;
  browser_pool pool(io.executor(), blocking.get_executor(), o.pool);
  rate_limiter limiter(std::chrono::milliseconds(campaign.rate_limit_delay_ms));

  auto st = std::make_shared<run_state>();
  st->meter.sample({});  // the machine's memory and CPU before any browser starts (issue 10)
  st->o = o;
  st->campaign_id = campaign_id;
  st->db = db_pool.get_executor();
  st->conn = &conn;
  st->status =
      campaign.status == campaign_status::pending ? campaign_status::running : campaign.status;
  auto env = std::make_shared<session_env>();
  env->campaign = campaign;
  env->settings = campaign_settings::from_json(campaign.settings);
  env->persona = *persona;
  env->pace = o.pace.value_or(env->settings.pace);
  env->slow_mo_ms = o.slow_mo_ms;
  env->saturation = st->saturation.get();
  env->screenshot_dir = o.screenshot_dir;
  env->faults = o.faults;
  env->writer = &writer;
  env->pool = &pool;
  env->limiter = &limiter;
  env->counters = &st->counters;
  env->abort = &st->abort;
  env->before_close = o.before_close;
  if (o.record_analytics) {
    auto db_ex = st->db;
    auto* c = &conn;
    env->on_session_end = [db_ex, c](const storage::session_row& row,
                                     std::vector<storage::page_record> pages,
                                     storage::session_signals signals) {
      asio::post(db_ex, [c, row, pages = std::move(pages), signals] {
        try {
          analytics::record_session_analytics(*c, row, pages, signals);
        } catch (const std::exception& e) {
          spdlog::warn("session analytics for {}: {}", row.id.str(), e.what());
        }
      });
    };
  }
  st->env = env;

  const int workers = std::max(1, std::min(campaign.concurrent_sessions, pool.capacity()));
  spdlog::info(
      "campaign {} \"{}\": {} sessions, {} at once here ({} browser(s) x {} contexts), pace {}",
      campaign_id.str(), campaign.name, campaign.total_sessions, workers, o.pool.browsers,
      o.pool.contexts_per_browser, env->pace);

  std::unique_ptr<asio::signal_set> signals;
  if (o.handle_signals) {
    signals = std::make_unique<asio::signal_set>(io.context(), SIGINT, SIGTERM);
    auto handler = std::make_shared<std::function<void(const boost::system::error_code&, int)>>();
    *handler = [st, h = std::weak_ptr(handler), sig = signals.get()](
                   const boost::system::error_code& ec, int n) {
      if (ec) return;
      if (!st->stopping) {
        st->stopping = true;
        spdlog::warn("signal {}: no new sessions; running ones finish (signal again to abort them)",
                     n);
        if (auto self = h.lock()) sig->async_wait(*self);
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

  io.run(supervise(st, &pool, workers));
  if (signals)
    io.run([](asio::signal_set* s) -> asio::awaitable<void> {
      boost::system::error_code ec;
      s->cancel(ec);
      co_return;
    }(signals.get()));
  writer.flush();

  run_summary out;
  out.campaign_id = campaign_id;
  out.campaign_name = campaign.name;
  out.interrupted = st->stopping;
  out.browser_launches = pool.launches();
  out.browser_replacements = pool.replacements();
  const bool analytics_on = o.record_analytics;
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  if (const auto s = st->saturation->summarize(); s.saturated_intervals > 0)
    spdlog::warn(
        "footfall was saturated for {} of {} s (machine CPU >= {:.0f} % or io-thread lag >= {:.0f} "
        "ms; lag p50 {:.0f} ms, p95 {:.0f} ms): page loads measured then are flagged "
        "(page_visits.saturated) and compare leaves them out",
        s.saturated_intervals, s.intervals, 100 * st->saturation->limits().cpu_busy,
        st->saturation->limits().lag_ms, s.lag_p50_ms, s.lag_p95_ms);
  // Runs after the queued session analytics (one db thread, FIFO).
  // (Not a packaged_task: Asio treats one as a completion token and takes its future itself.)
  using final_t = std::pair<campaign_status, storage::session_counts>;
  std::function<final_t()> final_task(
      [&conn, campaign_id, analytics_on, resources = st->meter.result(wall_ms),
       interrupted = st->stopping] {
        auto status = interrupted ? storage::campaign_repository(conn).find(campaign_id)->status
                                  : finish_if_done(conn, campaign_id);
        if (analytics_on &&
            (status == campaign_status::completed || status == campaign_status::failed)) {
          try {
            analytics::finish_campaign(conn, campaign_id, resources);
          } catch (const std::exception& e) {
            spdlog::warn("campaign analytics: {}", e.what());
          }
        }
        return std::make_pair(status, storage::session_repository(conn).counts(campaign_id));
      });
  std::promise<final_t> final_promise;
  auto final_state = final_promise.get_future();
  asio::post(db_pool, [&final_promise, &final_task] {
    try {
      final_promise.set_value(final_task());
    } catch (...) {
      final_promise.set_exception(std::current_exception());
    }
  });
  const auto [status, counts] = final_state.get();
  if (st->o.progress) st->o.progress(counts, st->counters, status, st->stopping, true);
  db_pool.join();
  writer.close();
  out.campaign_status = status;
  for (const auto& [s, n] : counts.by_status) out.campaign_sessions[s] = static_cast<long>(n);
  {
    std::lock_guard lk(st->counters.m);
    out.run_sessions = st->counters.by_status;
    out.actions_by_type = st->counters.by_type;
    out.p50_dwell_ms = analytics::quantile(st->counters.dwell_ms, 0.5);
  }
  out.pages = st->counters.pages;
  out.actions = st->counters.actions;
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::string format_summary(const run_summary& s) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "campaign %s (%s): %s%s\n", s.campaign_name.c_str(),
                s.campaign_id.str().c_str(),
                std::string(storage::to_string(s.campaign_status)).c_str(),
                s.interrupted ? " (interrupted: unfinished sessions left pending)" : "");
  out += line;
  out += "\nsessions        campaign   this run\n";
  for (auto st : {session_status::completed, session_status::failed, session_status::timeout,
                  session_status::running, session_status::pending}) {
    const auto c = s.campaign_sessions.count(st) ? s.campaign_sessions.at(st) : 0;
    const auto r = s.run_sessions.count(st) ? s.run_sessions.at(st) : 0;
    std::snprintf(line, sizeof line, "  %-12s %9ld %10ld\n",
                  std::string(storage::to_string(st)).c_str(), c, r);
    out += line;
  }
  std::snprintf(line, sizeof line, "\npages visited   %ld\nactions         %ld\n", s.pages,
                s.actions);
  out += line;
  for (const auto& [t, n] : s.actions_by_type) {
    std::snprintf(line, sizeof line, "  %-18s %7ld\n", std::string(storage::to_string(t)).c_str(),
                  n);
    out += line;
  }
  if (s.p50_dwell_ms) {
    std::snprintf(line, sizeof line, "p50 page dwell  %.0f ms\n", *s.p50_dwell_ms);
    out += line;
  }
  std::snprintf(line, sizeof line, "wall time       %.1f s (%d browser launch(es), %d replaced)\n",
                s.wall_s, s.browser_launches, s.browser_replacements);
  out += line;
  return out;
}

nlohmann::json summary_json(const run_summary& s) {
  nlohmann::json j;
  j["campaign_id"] = s.campaign_id.str();
  j["campaign_name"] = s.campaign_name;
  j["campaign_status"] = storage::to_string(s.campaign_status);
  j["interrupted"] = s.interrupted;
  for (const auto& [k, v] : s.campaign_sessions)
    j["campaign_sessions"][std::string(storage::to_string(k))] = v;
  for (const auto& [k, v] : s.run_sessions)
    j["run_sessions"][std::string(storage::to_string(k))] = v;
  j["pages"] = s.pages;
  j["actions"] = s.actions;
  for (const auto& [k, v] : s.actions_by_type)
    j["actions_by_type"][std::string(storage::to_string(k))] = v;
  j["p50_dwell_ms"] = s.p50_dwell_ms ? nlohmann::json(*s.p50_dwell_ms) : nlohmann::json();
  j["wall_s"] = s.wall_s;
  j["browser_launches"] = s.browser_launches;
  j["browser_replacements"] = s.browser_replacements;
  return j;
}

}  // namespace footfall::engine
