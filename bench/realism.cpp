// bench/realism: footfall's sessions at pace 1 and pace 0 against test/site/realism.html, measured
// from the page's side (test/site/recorder.js logs every trusted input event with the page's own
// clock), printed beside the published human figures the models imitate (issue 11), and the
// scores' separation: min/max per pace and ranking AUC of behaviour_risk_score and rhythm_score.
// Each session is a real campaign session (engine::run_session: persona-driven clicks, typing,
// scrolls, hovers) recorded through the storage writer; the scores come from the same records.
//
// usage: bench_realism [--sessions 6] [--concurrency 3] [--device mixed|wheel|touchpad]
//                      [--database-url URL] [--data-dir DIR] [--json]

#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <mutex>

#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "analytics/session_metrics.hpp"
#include "bench/common/args.hpp"
#include "bench/common/harness.hpp"
#include "bench/common/setup.hpp"
#include "bench/realism/page_log_stats.hpp"
#include "cdp/io_thread.hpp"
#include "engine/browsers/browser_pool.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "engine/config/config.hpp"
#include "engine/journey/session_runner.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"
#include "test/support/personas.hpp"

namespace asio = boost::asio;
using namespace footfall;
using json = nlohmann::json;

namespace {

/// What one pace's sessions left behind: the page logs and the analytics rows.
struct pace_results {
  std::mutex m;
  std::map<int, json> logs;  ///< session_index → recorder events
  std::vector<storage::session_analytics_row> scores;
};

asio::awaitable<void> read_log(std::shared_ptr<pace_results> out, cdp::page p,
                               storage::session_row row) {
  auto events = co_await p.evaluate("window.__footfallRecorder.events()");
  std::lock_guard lock(out->m);
  out->logs[row.session_index] = std::move(events);
}

asio::awaitable<void> worker(std::shared_ptr<engine::session_env> env,
                             std::shared_ptr<std::vector<storage::session_row>> rows,
                             std::shared_ptr<std::size_t> next) {
  while (*next < rows->size()) {
    const auto row = (*rows)[(*next)++];
    const auto out = co_await engine::run_session(env, row);
    if (out.status != storage::session_status::completed)
      spdlog::warn("session {}: {} {}", row.session_index, storage::to_string(out.status),
                   out.error);
  }
}


/// The persona both paces use: one page, a dozen actions, plenty of typing, clicking, scrolling.
storage::persona bench_persona() {
  return test::persona_builder("bench-realism").duration_s(25, 45).pages(1, 1).actions(10, 14)
      .odds({.scroll = 0.7, .click = 0.7, .typing = 0.5});
}

/// Runs `sessions` sessions of a fresh campaign at `pace`; returns their logs and scores.
std::shared_ptr<pace_results> run_pace(const std::string& url, const std::string& base, double pace,
                                       int sessions, int conc, const std::string& device,
                                       engine::browser_pool& pool, cdp::io_thread& io,
                                       storage::writer& writer) {
  auto res = std::make_shared<pace_results>();
  storage::campaign camp;
  engine::campaign_settings settings;
  settings.pace = pace;
  settings.input_device = device;
  settings.typing_skill = "average";  // the references are the average typist of [D18]
  auto rows = std::make_shared<std::vector<storage::session_row>>();
  storage::persona p = bench_persona();
  {
    storage::connection c(url);
    p = storage::persona_repository(c).upsert(p);
    camp.name = std::string(pace > 0 ? "bench-realism-pace-1-" : "bench-realism-pace-0-") +
                std::to_string(std::time(nullptr));
    camp.target_url = base + "/realism.html";
    camp.total_sessions = sessions;
    camp.concurrent_sessions = conc;
    camp.persona_id = p.id;
    camp.rate_limit_delay_ms = 100;
    camp.seed = 2018;  // the same journeys at both paces
    camp.settings = settings.to_json();
    camp = storage::campaign_repository(c).create(camp);
    storage::campaign_repository(c).transition(camp.id, storage::campaign_status::running);
    engine::materialize_sessions(url, camp);
    *rows = storage::session_repository(c).claim(camp.id, sessions, "bench-realism");
  }
  bench::session_rig rig(camp, p, pace, &writer, &pool);
  const auto& env = rig.env;
  env->before_close = [res](cdp::page pg, storage::session_row row) {
    return read_log(res, std::move(pg), std::move(row));
  };
  env->on_session_end = [res](const storage::session_row& row,
                              std::vector<storage::page_record> pages,
                              storage::session_signals sig) {
    const auto in = analytics::make_session_input(row, pages, sig);
    std::lock_guard lock(res->m);
    res->scores.push_back(analytics::compute_session_analytics(in));
  };
  auto next = std::make_shared<std::size_t>(0);
  io.run(bench::run_concurrently(conc, [env, rows, next](int) { return worker(env, rows, next); }));
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  int sessions = 6, conc = 3;
  std::string device = "mixed";
  std::string url, data_dir = "/var/lib/footfall/bench-pg-realism";
  bool as_json = false;
  bench::args a("bench_realism");
  a.value("--sessions", "N", &sessions).value("--concurrency", "N", &conc);
  a.value("--device", "mixed|wheel|touchpad", &device).database(&url, &data_dir);
  a.set("--json", &as_json).parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  url = bench::open_database(url, data_dir).url;
  bench::python_site site(FOOTFALL_SOURCE_DIR "/test/site");
  const std::string& base = site.base();

  storage::writer writer(bench::writer_into(url));
  asio::thread_pool blocking(2);
  cdp::io_thread io;
  engine::browser_pool pool(io.executor(), blocking.get_executor(), bench::one_browser(conc));
  io.run(bench::warm_pool(&pool));

  const auto slow = run_pace(url, base, 1.0, sessions, conc, device, pool, io, writer);
  const auto fast = run_pace(url, base, 0.0, sessions, conc, device, pool, io, writer);
  writer.flush();
  io.run(bench::stop_pool(&pool));
  writer.close();
  site.stop();

  const auto m1 = bench::measure(slow->logs), m0 = bench::measure(fast->logs);
  const auto sep = bench::separation(slow->scores, fast->scores);
  if (as_json) {
    std::cout << "RESULT " << bench::to_json(m1, m0, sep).dump() << "\n";
  } else {
    bench::print_table(m1, m0, sessions);
    bench::print_scores(sep);
  }
  return bench::targets_met(m1, sep) ? 0 : 1;
}
