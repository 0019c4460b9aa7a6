// bench/sessions: the peers' session workload (../shared/bench/anchors, RESULTS.md (b)) run by
// footfall's engine with recording on: 24 sessions, 4 at a time, one browser; each session opens
// a context + 1280x800 page, loads page1, 5 x wheel 400 px, hovers #l7 #l8 #l9, types 30
// characters into #q, clicks #next and waits for page2's load, 3 x wheel 400 px, reads the page's
// own report (verification) and closes the context. The journey is made of the engine's shared
// actions (engine/journey/actions.hpp) on the same page agent, checks (one call per target, hit-tested;
// one more per press: what is under the pointer) and storage writer as a campaign. Prints wall
// time, sessions/min, footfall CPU, peak RSS and Chromium CPU.
//
// usage: bench_sessions [--sessions 24] [--concurrency 4] [--site DIR] [--database-url URL]
//                       [--data-dir DIR] [--settle-ms 3000] [--reveal wheel|script]
//                       [--browser chromium|headless-shell] [--page-health on|off] [--json]
// --browser: which build runs the sessions (executable by the CLI's rule: CHROME_BIN, else the
// browser's default; cdp/browser_choice.hpp).
// --page-health (default on, as a campaign): each page's requests and Core Web Vitals recorded
// (engine/page/page_health.hpp); off measures what that costs; no-rows records everything but
// writes no request row (the requests are taken and dropped), to tell the writer's share apart.
//
// --reveal script is a diagnostic, not an engine mode: before each targeted step the journey
// scrolls the target into view from the page's own world (scrollIntoViewIfNeeded, as the peers'
// drivers do and as footfall's own target lookup did before issue 9), so the engine finds it in
// view and sends no wheel gesture (three per session by default: #l9, #q and #next are out of
// view when reached). Beside the default (wheel: what `footfall run` does — real wheel input and
// the two frames it waits for before reading positions again) it measures what revealing with
// real input costs; bench/compare_builds.sh runs both beside an earlier build.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "bench/common/args.hpp"
#include "bench/common/harness.hpp"
#include "bench/common/setup.hpp"
#include "cdp/command_stats.hpp"
#include "cdp/input.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/process_stats.hpp"
#include "engine/browsers/browser_pool.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "engine/journey/actions.hpp"
#include "engine/journey/session_runner.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/page/page_agent.hpp"
#include "cdp/browser_choice.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"

namespace asio = boost::asio;
using namespace footfall;
using nlohmann::json;
using storage::action_type;

namespace {

const std::string text30 = "the quick brown fox jumps over";

double ticks_to_s(long long t) {
  return static_cast<double>(t) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// CPU seconds of Chromium's process group (reaped renderers' time is in their parent's
/// cutime/cstime), and optionally its resident memory now.
double group_cpu_s(int pgid, double* rss_mib = nullptr) {
  const auto usage = cdp::process_group_usage({pgid});
  const auto it = usage.find(pgid);
  const cdp::group_usage u = it == usage.end() ? cdp::group_usage{} : it->second;
  if (rss_mib) *rss_mib = u.rss_mib;
  return u.cpu_seconds;
}

/// CPU seconds of a process and its children (the PostgreSQL server: postmaster + backends).
double tree_cpu_s(int root) {
  long long total = 0;
  DIR* d = opendir("/proc");
  while (auto* e = readdir(d)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string s;
    std::getline(in, s);
    const auto close = s.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(s.substr(close + 2));
    std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
    if (f.size() < 15) continue;
    const int pid = std::atoi(e->d_name);
    if (pid != root && std::stoi(f[1]) != root) continue;
    total += std::stoll(f[11]) + std::stoll(f[12]) + std::stoll(f[13]) + std::stoll(f[14]);
  }
  closedir(d);
  return ticks_to_s(total);
}

/// This process's user and system CPU seconds, and its context switches (voluntary + not).
struct self_usage {
  double user_s = 0, sys_s = 0, switches = 0;
  double cpu_s() const { return user_s + sys_s; }
};
self_usage self_usage_now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6,
          static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6,
          static_cast<double>(ru.ru_nvcsw + ru.ru_nivcsw)};
}

struct shared {
  std::shared_ptr<engine::session_env> env;
  std::string base;
  bool script_reveal = false;
  bool page_health = true;
  bool request_rows = true;  ///< --page-health no-rows: requests recorded, then dropped
  int next = 0, total = 0, verified = 0, failed = 0;
  std::vector<double> session_ms;
};

/// --reveal script: `selector` scrolled into view by the page's own world (see the file comment).
asio::awaitable<void> scroll_into_view(engine::action_context c, std::string selector) {
  co_await c.page.evaluate("document.querySelector(" + json(selector).dump() +
                           ").scrollIntoViewIfNeeded(true)");
}

/// The anchors' journey, from the engine's shared actions (the same ones `footfall run` uses).
std::vector<engine::action> journey(const std::string& base, bool script_reveal) {
  const auto wheel_400 = [](engine::action_context c) { return engine::wheel(c, 400); };
  std::vector<engine::action> steps;
  const auto reveal = [&](const char* sel) {
    if (script_reveal)
      steps.push_back([sel](engine::action_context c) { return scroll_into_view(c, sel); });
  };
  steps.push_back([url = base + "/page1.html"](engine::action_context c) {
    return engine::open_page(c, url, std::chrono::seconds(30));
  });
  for (int k = 0; k < 5; ++k) steps.push_back(wheel_400);
  for (const char* sel : {"#l7", "#l8", "#l9"}) {
    reveal(sel);
    steps.push_back(engine::step(engine::hover, sel));
  }
  reveal("#q");
  steps.push_back([](engine::action_context c) { return engine::type_into(c, "#q", text30); });
  reveal("#next");
  steps.push_back([](engine::action_context c) {
    return engine::follow(c, "#next", std::chrono::seconds(30));
  });
  for (int k = 0; k < 3; ++k) steps.push_back(wheel_400);
  return steps;
}

asio::awaitable<bool> one_session(std::shared_ptr<shared> sh, storage::session_row row) {
  auto env = sh->env;
  const auto started = std::chrono::steady_clock::now();
  engine::rng r = engine::rng::for_session(env->campaign.seed, row.session_index);
  engine::visit_recorder rec(row.id, [env](storage::page_record p) {
    env->sink->page(std::move(p));
  });
  auto lease = co_await env->pool->acquire();
  const auto ctx = co_await lease.browser->create_context();
  cdp::page_options po;
  po.viewport_width = 1280;
  po.viewport_height = 800;
  po.user_agent = row.user_agent;
  auto page = co_await lease.browser->new_page(ctx, po);
  // The session runner's per-page setup, as a campaign does it.
  auto crash = page.session().subscribe("Inspector.targetCrashed", [](const json&) {});
  co_await page.session().send("Inspector.enable");
  const auto agent = co_await engine::page_agent::install(page, sh->page_health);
  if (sh->page_health)
    rec.set_request_source([agent, rows = sh->request_rows] {
      auto r = agent->take_requests();
      if (!rows) r.clear();
      return r;
    });
  const engine::action_context c{
      .page = page, .agent = agent.get(), .recorder = &rec, .r = &r, .pace = 0, .slow_mo_ms = 0};
  co_await engine::run_actions(c, journey(sh->base, sh->script_reveal));
  // Verification: the site's own report (its main world), then the page's final facts.
  const json rep = co_await page.evaluate("window.__benchReport()");
  const auto last = co_await agent->stats();
  rec.leave(&last);
  const auto p1 = rep.value("/page1.html", json::object()),
             p2 = rep.value("/page2.html", json::object());
  const bool ok = p1.value("keydown", 0) == 30 && p1.value("value", std::string()) == text30 &&
                  p1.value("wheel", 0) >= 1 && p1.value("linkover", 0) >= 1 &&
                  p1.value("maxScrollY", 0) > 0 && p2.value("wheel", 0) >= 1;
  if (!ok) spdlog::warn("session {} not verified: {}", row.session_index, rep.dump());
  row.status = storage::session_status::completed;
  row.pages_visited = rec.pages();
  row.total_actions = rec.total_actions();
  row.session_duration_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - started)
                                                 .count());
  row.completed_at = std::chrono::system_clock::now();
  env->sink->session(row);
  crash.reset();
  co_await lease.browser->dispose_context(ctx);
  env->pool->release(lease);
  co_return ok;
}

asio::awaitable<void> worker(std::shared_ptr<shared> sh, std::vector<storage::session_row>* rows) {
  while (sh->next < sh->total) {
    const auto row = (*rows)[static_cast<std::size_t>(sh->next++)];
    const auto t0 = std::chrono::steady_clock::now();
    bool ok = false;
    try {
      ok = co_await one_session(sh, row);
    } catch (const std::exception& e) {
      spdlog::error("session {} failed: {}", row.session_index, e.what());
      ++sh->failed;
    }
    if (ok) ++sh->verified;
    sh->session_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int sessions = 24, conc = 4, settle_ms = 3000;
  std::string site = "/work/shared/bench/anchors/site", url,
              data_dir = "/var/lib/footfall/bench-pg";
  std::string reveal = "wheel", health = "on";
  cdp::browser_kind browser = cdp::browser_kind::chromium;
  bool as_json = false;
  bench::args a("bench_sessions");
  a.value("--sessions", "N", &sessions).value("--concurrency", "N", &conc);
  a.value("--site", "DIR", &site).database(&url, &data_dir);
  a.value("--settle-ms", "MS", &settle_ms).value("--reveal", "wheel|script", &reveal);
  a.value("--browser", "chromium|headless-shell", [&browser](const std::string& v) {
    const auto k = cdp::parse_browser_kind(v);
    if (!k) throw std::invalid_argument(cdp::browser_kind_rule);
    browser = *k;
  });
  a.value("--page-health", "on|off|no-rows", &health);
  a.set("--json", &as_json).parse(argc, argv);
  if (reveal != "wheel" && reveal != "script") a.fail("--reveal: wheel or script");
  if (health != "on" && health != "off" && health != "no-rows")
    a.fail("--page-health: on, off or no-rows");
  const bool script_reveal = reveal == "script";
  spdlog::set_level(spdlog::level::warn);
  const auto db = bench::open_database(url, data_dir);
  url = db.url;
  const int pg_pid = db.server_pid;
  // The fixture site, served the way the anchors serve it.
  bench::python_site served(site);
  const std::string& base = served.base();

  // Rows the recording needs: a persona, a campaign, its pending sessions (claimed as a worker).
  storage::persona p;
  p.name = "bench-anchor-workload";
  storage::campaign camp;
  std::vector<storage::session_row> rows;
  {
    storage::connection c(url);
    p = storage::persona_repository(c).upsert(p);
    camp.name = "bench-sessions";
    camp.target_url = base + "/page1.html";
    camp.total_sessions = sessions;
    camp.concurrent_sessions = conc;
    camp.persona_id = p.id;
    camp.rate_limit_delay_ms = 100;
    camp.settings = engine::campaign_settings{}.to_json();
    camp = storage::campaign_repository(c).create(camp);
    storage::campaign_repository(c).transition(camp.id, storage::campaign_status::running);
    engine::materialize_sessions(url, camp);
    rows = storage::session_repository(c).claim(camp.id, sessions, "bench");
  }

  storage::writer writer(bench::writer_into(url));
  asio::thread_pool blocking(2);
  cdp::io_thread io;
  auto po = bench::one_browser(conc);
  po.launch.browser = browser;
  {
    const auto exe = cdp::resolve_executable(browser, "");
    if (auto why = cdp::browser_unusable(browser, false, exe)) {
      std::fprintf(stderr, "bench_sessions: %s\n", why->c_str());
      return 2;
    }
    po.launch.executable = exe.path;
  }
  engine::browser_pool pool(io.executor(), blocking.get_executor(), po);
  bench::session_rig rig(camp, p, 0, &writer, &pool);
  auto sh = std::make_shared<shared>();
  sh->env = rig.env;
  sh->base = base;
  sh->script_reveal = script_reveal;
  sh->page_health = health != "off";
  sh->request_rows = health == "on";
  sh->total = static_cast<int>(rows.size());

  io.run(bench::warm_pool(&pool));
  const int chrome = pool.pids().at(0);
  const double idle0 = group_cpu_s(chrome);
  std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
  const double idle1 = group_cpu_s(chrome);

  // footfall's CPU is read last before the work and first after it: reading Chromium's and
  // PostgreSQL's usage from /proc (smaps_rollup of every renderer, a scan of every process on the
  // machine) is the benchmark's own work, and used to be charged to footfall (issue 9: ~0.03 s of
  // the 0.236 s per run). bench_measure_cpu_s reports it separately.
  const double m0 = self_usage_now().cpu_s();
  const double c0 = group_cpu_s(chrome), pg0 = pg_pid ? tree_cpu_s(pg_pid) : 0;
  const auto u0 = self_usage_now();
  const double f0 = u0.cpu_s();
  const auto stats0 = cdp::global_command_stats().snapshot();
  const auto t0 = std::chrono::steady_clock::now();
  io.run(bench::run_concurrently(conc, [sh, &rows](int) { return worker(sh, &rows); }));
  writer.flush();  // recording is part of the work: every row committed
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto u1 = self_usage_now();
  const double f1 = u1.cpu_s();
  const auto stats1 = cdp::global_command_stats().snapshot();
  const auto commands = stats1.count - stats0.count;
  const auto unread = stats1.events_unread - stats0.events_unread;
  double chrome_rss = 0;
  const double c1 = group_cpu_s(chrome, &chrome_rss), pg1 = pg_pid ? tree_cpu_s(pg_pid) : 0;
  const double measure_cpu = (f0 - m0) + (self_usage_now().cpu_s() - f1);
  const auto ws = writer.stats();
  io.run(bench::stop_pool(&pool));
  writer.close();
  served.stop();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  std::sort(sh->session_ms.begin(), sh->session_ms.end());
  const double p50 = sh->session_ms.empty() ? 0 : sh->session_ms[sh->session_ms.size() / 2];

  json out{{"bench", "sessions"},
           {"tool", "footfall"},
           {"browser", cdp::to_string(browser)},
           {"sessions", sessions},
           {"concurrency", conc},
           {"reveal", reveal},
           {"page_health", health},
           {"wall_s", wall},
           {"sessions_per_min", sessions / wall * 60},
           {"footfall_cpu_s", f1 - f0},
           {"bench_measure_cpu_s", measure_cpu},
           {"cdp_commands_per_session", static_cast<double>(commands) / sessions},
           {"cdp_events_unread_per_session", static_cast<double>(unread) / sessions},
           {"cdp_messages_per_session",
            static_cast<double>(stats1.messages_received - stats0.messages_received) / sessions},
           {"cdp_kib_per_session",
            static_cast<double>(stats1.bytes_received - stats0.bytes_received) / 1024.0 / sessions},
           {"footfall_user_s", u1.user_s - u0.user_s},
           {"footfall_sys_s", u1.sys_s - u0.sys_s},
           {"footfall_context_switches", u1.switches - u0.switches},
           {"footfall_peak_rss_mib", rss_mib},
           {"chromium_cpu_s", c1 - c0},
           {"chromium_cpu_per_session_s", (c1 - c0) / sessions},
           {"chromium_idle_cpu_per_s", (idle1 - idle0) / (settle_ms / 1000.0)},
           {"chromium_rss_mib_end", chrome_rss},
           {"postgres_cpu_s", pg1 - pg0},
           {"session_ms_p50", p50},
           {"verified", sh->verified},
           {"failed", sh->failed},
           {"rows_written", ws.rows_written},
           {"actions_written", ws.actions_written}};
  if (as_json) {
    std::cout << "RESULT " << out.dump() << "\n";
  } else {
    std::printf("bench/sessions: %d sessions, %d at a time, one browser, recording on\n\n",
                sessions, conc);
    std::printf(
        "| tool | wall s | sessions/min | footfall CPU s | peak RSS MiB | Chromium CPU s | "
        "Chromium CPU s/session | PostgreSQL CPU s | verified |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    std::printf("| footfall | %.1f | %.1f | %.2f | %.0f | %.1f | %.2f | %.2f | %d/%d |\n", wall,
                sessions / wall * 60, f1 - f0, rss_mib, c1 - c0, (c1 - c0) / sessions, pg1 - pg0,
                sh->verified, sessions);
    std::printf("\nsession p50 %.0f ms; rows written %llu (actions %llu)\n", p50,
                static_cast<unsigned long long>(ws.rows_written),
                static_cast<unsigned long long>(ws.actions_written));
    std::printf("CDP commands per session %.1f; the benchmark's own /proc reading %.3f CPU s (not "
                "in footfall's)\n",
                static_cast<double>(commands) / sessions, measure_cpu);
  }
  return sh->verified == sessions ? 0 : 1;
}
