#include "bench/capacity/footfall_step.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>
#include <mutex>

#include "bench/common/harness.hpp"
#include "cdp/io_thread.hpp"
#include "engine/browsers/browser_pool.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "engine/journey/session_runner.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"

namespace footfall::bench {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

/// What the step's sessions left behind (filled from the io thread, read after it).
struct collected {
  std::mutex m;
  std::vector<storage::page_record> pages;
  int sessions = 0, failed = 0;
};

struct step_state {
  std::shared_ptr<engine::session_env> env;
  std::vector<storage::session_row> rows;
  std::size_t next = 0;
  steady::time_point hold_end;
};

asio::awaitable<void> visitor(std::shared_ptr<step_state> st) {
  while (steady::now() < st->hold_end && st->next < st->rows.size())
    co_await engine::run_session(st->env, st->rows[st->next++]);
}

/// A fresh campaign for the step, its sessions materialized and claimed by this process.
std::vector<storage::session_row> claim_rows(const step_plan& plan, const footfall_setup& setup,
                                             storage::campaign& camp, storage::persona& p) {
  const auto& url = setup.database_url;
  const int per_visitor = static_cast<int>((plan.warm_s + plan.hold_s) / 20.0) + 3;
  storage::connection c(url);
  p = storage::persona_repository(c).upsert(capacity_persona());
  camp.name =
      "bench-capacity-" + std::to_string(plan.visitors) + "-" + std::to_string(std::time(nullptr));
  camp.target_url = plan.base + "/journey/index.html";
  camp.total_sessions = plan.visitors * per_visitor;
  camp.concurrent_sessions = plan.visitors;
  camp.persona_id = p.id;
  camp.rate_limit_delay_ms = 100;  // the validated minimum; the step's own limiter spaces nothing
  camp.respect_robots_txt = false;
  camp.seed = plan.seed;
  engine::campaign_settings settings;
  settings.page_health = setup.page_health;
  camp.settings = settings.to_json();
  camp = storage::campaign_repository(c).create(camp);
  storage::campaign_repository(c).transition(camp.id, storage::campaign_status::running);
  engine::materialize_sessions(url, camp);
  return storage::session_repository(c).claim(camp.id, camp.total_sessions, "bench-capacity");
}

/// The path of a page's URL (scheme, host, query and fragment dropped), as the Playwright side
/// reports it (`new URL(page.url()).pathname`).
std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "/";
  return url.substr(start, url.find_first_of("?#", start) - start);
}

/// Start lag of the actions (every row after a pause: a think, or a click's aim) and load time
/// of the pages that fall inside the window.
void fidelity(const collected& got, storage::time_point from, storage::time_point to,
              step_result& r) {
  std::vector<double> lags, loads;
  for (const auto& p : got.pages) {
    if (p.visit.arrived_at >= from && p.visit.arrived_at < to && p.visit.load_ms) {
      loads.push_back(*p.visit.load_ms);
      r.loads.push_back({path_of(p.visit.url), *p.visit.load_ms});
    }
    for (const auto& a : p.actions)
      if (a.timestamp >= from && a.timestamp < to && a.start_lag_ms)
        lags.push_back(*a.start_lag_ms);
  }
  r.lag_p50_ms = percentile(lags, 0.50);
  r.lag_p95_ms = percentile(lags, 0.95);
  r.load_p50_ms = percentile(loads, 0.50);
}

}  // namespace

step_result run_footfall_step(const step_plan& plan, const footfall_setup& setup) {
  step_result r;
  r.tool = "footfall";
  r.visitors = plan.visitors;
  auto st = std::make_shared<step_state>();
  auto got = std::make_shared<collected>();
  storage::campaign camp;
  storage::persona persona;
  st->rows = claim_rows(plan, setup, camp, persona);

  asio::thread_pool blocking(2);
  cdp::io_thread io;
  engine::pool_options po;
  po.browsers = std::max(1, std::min(setup.browsers, plan.visitors));
  po.contexts_per_browser = (plan.visitors + po.browsers - 1) / po.browsers;
  po.launch = setup.launch;
  engine::browser_pool pool(io.executor(), blocking.get_executor(), po);
  bench::session_rig rig(camp, persona, 1.0, setup.writer, &pool);
  const auto& env = rig.env;
  env->on_session_end = [got](const storage::session_row& row,
                              std::vector<storage::page_record> pages, storage::session_signals) {
    std::lock_guard lock(got->m);
    ++got->sessions;
    if (row.status != storage::session_status::completed) ++got->failed;
    for (auto& p : pages) got->pages.push_back(std::move(p));
  };
  st->env = env;
  const auto pids = io.run(warm_pool(&pool, pool.capacity()));  // every browser, before the clock

  const auto start = steady::now();
  const auto sys_start = std::chrono::system_clock::now();
  const auto warm_d = std::chrono::milliseconds(static_cast<long>(plan.warm_s * 1000));
  const auto hold_d = std::chrono::milliseconds(static_cast<long>(plan.hold_s * 1000));
  st->hold_end = start + warm_d + hold_d;
  auto done = io.spawn(run_concurrently(plan.visitors, [st](int) { return visitor(st); }));
  std::this_thread::sleep_until(start + warm_d);
  // Steps, not rows, as the Playwright script counts (run_counters::steps): one per think. Rows
  // would count a click on an element out of view once per wheel gesture that revealed it and
  // again for the click (round 14's "footfall does 1.2x the actions" was that).
  const long steps_before = env->counters->steps;
  {
    peak_sampler sampler(usage_probe(std::nullopt, {pids.begin(), pids.end()}));
    std::this_thread::sleep_until(st->hold_end);
    sampler.finish(r);
  }
  r.actions = env->counters->steps - steps_before;
  done.get();
  io.run(stop_pool(&pool));
  r.sessions = got->sessions;
  r.failed = got->failed;
  fidelity(*got, sys_start + warm_d, sys_start + warm_d + hold_d, r);
  return r;
}

}  // namespace footfall::bench
