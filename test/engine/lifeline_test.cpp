// Integration: campaigns that survive what happens to pods — a worker killed with SIGKILL, the
// database stopped mid-run, many pods starting at once — with real footfall processes, a real
// PostgreSQL and real Chromium. Prints the drill figures (time to completion, reclaimed, lost).
#include <doctest/doctest.h>

#include <signal.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/thread_pool.hpp>

#include "engine/campaign/campaign_db.hpp"
#include "engine/engine_fixture.hpp"
#include "storage/embedded_server.hpp"
#include "support/pg/own_server.hpp"
#include "support/http_server.hpp"

using namespace footfall;
using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

/// The fixture site, with recorder.js extended to report every trusted left mousedown to the
/// server (navigator.sendBeacon survives the navigation a click starts), tagged with an id kept
/// in the tab's sessionStorage: one id per session (each session has its own context and tab).
/// So the page side of sessions run by other processes can be compared with the database.
struct click_beacons {
  explicit click_beacons(test::http_server& site) {
    std::ifstream in(test::http_server::default_root() / "recorder.js");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string script = ss.str() + R"JS(
(function () {
  let ctx = sessionStorage.getItem('__ffctx');
  if (!ctx) {
    ctx = Math.random().toString(36).slice(2) + Date.now();
    sessionStorage.setItem('__ffctx', ctx);
  }
  window.addEventListener('mousedown', function (e) {
    if (e.button !== 0 || !e.isTrusted) return;
    navigator.sendBeacon('/__click', JSON.stringify({ctx: ctx, x: e.clientX, y: e.clientY}));
  }, {capture: true, passive: true});
})();
)JS";
    site.handle("/recorder.js", [script](const test::http_request&) {
      test::http_response r;
      r.content_type = "text/javascript";
      r.body = script;
      return r;
    });
    site.handle("/__click", [this](const test::http_request& req) {
      try {
        const auto j = json::parse(req.body);
        std::lock_guard lk(m);
        by_ctx[j["ctx"].get<std::string>()].emplace_back(j["x"].get<double>(),
                                                         j["y"].get<double>());
      } catch (const std::exception&) {
      }
      test::http_response r;
      r.status = 204;
      return r;
    });
  }
  std::mutex m;
  std::map<std::string, std::vector<std::pair<double, double>>> by_ctx;
};

/// The left presses the database recorded for a session, in order (a double click is two).
std::vector<std::pair<int, int>> db_left_presses(const test::fresh_database& db,
                                                 const std::string& session_id) {
  std::vector<std::pair<int, int>> out;
  for (const auto& a : test::session_actions(db, session_id)) {
    if (a.type == "click" || a.type == "drag_and_drop") out.emplace_back(a.x, a.y);
    if (a.type == "double_click") out.insert(out.end(), 2, {a.x, a.y});
  }
  return out;
}

/// Every completed session's left presses match one page-side tab's exactly (each tab used
/// once); returns how many presses were matched.
long check_page_side(const test::fresh_database& db, click_beacons& beacons) {
  std::lock_guard lk(beacons.m);
  std::set<std::string> used;
  long matched = 0;
  for (const auto& row : db.rows("SELECT id FROM sessions WHERE status = 'completed'")) {
    const auto presses = db_left_presses(db, row[0]);
    if (presses.empty()) continue;
    bool found = false;
    for (const auto& [ctx, seen] : beacons.by_ctx) {
      if (used.count(ctx) || seen.size() != presses.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < seen.size() && same; ++i)
        same = std::abs(seen[i].first - presses[i].first) <= 1 &&
               std::abs(seen[i].second - presses[i].second) <= 1;
      if (!same) continue;
      used.insert(ctx);
      found = true;
      matched += static_cast<long>(presses.size());
      break;
    }
    CHECK_MESSAGE(found,
                  "no page saw the " << presses.size() << " left presses of session " << row[0]);
  }
  return matched;
}

/// Each finished session has exactly one attempt's rows: its counts equal its rows, and its
/// pages are numbered 1..n once.
void check_one_attempt_each(const test::fresh_database& db) {
  CHECK(db.count("SELECT count(*) FROM sessions s WHERE s.status = 'completed' AND ("
                 "s.pages_visited <> (SELECT count(*) FROM page_visits pv WHERE pv.session_id = "
                 "s.id) OR s.total_actions <> (SELECT count(*) FROM actions a JOIN page_visits pv "
                 "ON pv.id = a.page_visit_id AND pv.arrived_at = a.page_arrived_at WHERE "
                 "pv.session_id = s.id))") == 0);
  CHECK(db.count("SELECT count(*) FROM (SELECT session_id, visit_order FROM page_visits GROUP BY "
                 "1, 2 HAVING count(*) > 1) d") == 0);
  CHECK(db.count("SELECT count(*) FROM sessions s WHERE s.status = 'completed' AND "
                 "s.pages_visited <> (SELECT max(visit_order) FROM page_visits pv WHERE "
                 "pv.session_id = s.id)") == 0);
}

storage::persona short_persona(const std::string& name) {
  return test::persona_builder(test::busy_persona(name))
      .duration_s(2, 4).pages(1, 2).actions(2, 4);
}

template <class F>
bool poll(std::chrono::milliseconds timeout, F done) {
  const auto until = steady::now() + timeout;
  while (steady::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

}  // namespace

TEST_CASE(
    "engine: kill -9 of one of two workers - the other reclaims its sessions and the "
    "campaign completes with one attempt's rows per session") {
  test::fresh_database db;
  test::http_server site;
  click_beacons beacons(site);
  const int lease_s = 3;
  const auto camp = test::make_campaign(db.url(), short_persona("lifeline-kill"),
                                        site.url("/journey/index.html"), 5, 4, 81);
  auto start = [&] {
    return test::spawn({FOOTFALL_BINARY, "worker", camp.id.str(), "--database-url", db.url(),
                        "--pace", "1", "--browsers", "1", "--contexts-per-browser", "2",
                        "--lease-s", std::to_string(lease_s), "--no-progress", "--json"});
  };
  auto victim = start();
  auto survivor = start();
  const std::string victim_tag = ":" + std::to_string(victim.pid) + ":";
  REQUIRE(poll(60s, [&] {
    return db.count(
               "SELECT count(*) FROM sessions WHERE status = 'running' AND claimed_by LIKE "
               "'%" +
               victim_tag + "%'") > 0;
  }));
  std::this_thread::sleep_for(1s);  // mid-session: some pages recorded, some not
  const auto held =
      db.count("SELECT count(*) FROM sessions WHERE status = 'running' AND claimed_by LIKE '%" +
               victim_tag + "%'");
  ::kill(victim.pid, SIGKILL);
  const auto killed_at = steady::now();
  const auto v = test::wait(victim, 10s);
  CHECK(v.exit_code == 128 + SIGKILL);

  double reclaim_s = -1;
  poll(60s, [&] {
    const bool reclaimed =
        db.count("SELECT count(*) FROM sessions WHERE attempt > 1 OR worker_lost") > 0;
    if (reclaimed && reclaim_s < 0) reclaim_s = seconds_since(killed_at);
    return reclaimed;
  });
  const auto r = test::wait(survivor, 120s);
  const double complete_s = seconds_since(killed_at);
  CAPTURE(v.err.substr(0, 2000));
  CAPTURE(r.err.substr(0, 3000));
  CHECK(r.exit_code == 0);
  CHECK(db.scalar("SELECT status::text FROM campaigns") == "completed");
  CHECK(db.count("SELECT count(*) FROM sessions WHERE status = 'completed'") == 5);
  const auto reclaimed = db.count("SELECT count(*) FROM sessions WHERE attempt > 1");
  CHECK(reclaimed >= 1);
  // Reclaimed once its lease expired: lease + the survivor's claim poll (0.5 s) + slack for a
  // loaded machine.
  CHECK(reclaim_s >= 0);
  CHECK(reclaim_s <= lease_s + 4);
  check_one_attempt_each(db);
  const long presses = check_page_side(db, beacons);
  const auto json_out = json::parse(r.out);
  CHECK(json_out["finished_here"].get<bool>());
  CHECK(json_out["leases"]["reclaimed"].get<long>() == reclaimed);
  MESSAGE("kill drill: lease " << lease_s << " s; victim held " << held
                               << " session(s); reclaimed after " << reclaim_s
                               << " s; campaign completed " << complete_s
                               << " s after the kill; sessions reclaimed " << reclaimed
                               << "; page-side left presses matched " << presses);
  std::printf(
      "| kill -9 | lease %d s | held %lld | reclaimed %lld | reclaim after %.1f s | "
      "completed after %.1f s | rows lost 0 |\n",
      lease_s, static_cast<long long>(held), static_cast<long long>(reclaimed), reclaim_s,
      complete_s);
}

TEST_CASE(
    "engine: the database stopped for 20 s mid-run - run waits it out - exits 0 - nothing "
    "recorded is lost") {
  test::own_server own("-outage");  // stopped below: not the suite's shared server
  auto& server = own.server;
  const auto& db = own.db;
  test::http_server site;
  test::temp_dir spool;
  ::setenv("FOOTFALL_SPOOL_DIR", spool.path().c_str(), 1);
  // Four sessions, two at once: the outage comes while the first two run.
  const auto camp = test::make_campaign(db.url(), short_persona("lifeline-outage"),
                                        site.url("/journey/index.html"), 4, 2, 82);
  auto run =
      test::spawn({FOOTFALL_BINARY, "run", camp.id.str(), "--database-url", db.url(), "--pace", "1",
                   "--browsers", "1", "--contexts-per-browser", "2", "--no-progress", "--json"});
  ::unsetenv("FOOTFALL_SPOOL_DIR");
  REQUIRE(poll(
      60s, [&] { return db.count("SELECT count(*) FROM sessions WHERE status = 'running'") > 0; }));
  std::this_thread::sleep_for(1s);
  REQUIRE(server.stop());
  const auto down_at = steady::now();
  std::this_thread::sleep_for(20s);
  server.ensure_running();
  const double outage_s = seconds_since(down_at);
  const auto r = test::wait(run, 180s);
  const double back_to_done_s = seconds_since(down_at) - outage_s;
  CAPTURE(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const auto j = json::parse(r.out);
  CHECK(db.scalar("SELECT status::text FROM campaigns") == "completed");
  CHECK(db.count("SELECT count(*) FROM sessions WHERE status = 'completed'") == 4);
  CHECK(j["leases"]["worker_errors"].get<long>() == 0);
  CHECK(j["outage_s"].get<double>() >= 10);
  // Nothing recorded is lost: what this process recorded is what the database holds.
  CHECK(db.count("SELECT count(*) FROM page_visits") == j["pages"].get<long>());
  CHECK(db.count("SELECT count(*) FROM actions") == j["actions"].get<long>());
  check_one_attempt_each(db);
  for (const auto& e : std::filesystem::directory_iterator(spool.path()))
    CHECK_MESSAGE(e.path().filename().string().rfind("rejected-", 0) != 0,
                  "rows refused: " << e.path());
  MESSAGE("outage drill: database down "
          << outage_s << " s; run finished " << back_to_done_s
          << " s after it came back; outage seen by the run " << j["outage_s"].get<double>()
          << " s; batches spooled " << j["batches_spooled"].get<long>() << "; pages "
          << j["pages"].get<long>() << ", actions " << j["actions"].get<long>()
          << " recorded = stored");
  std::printf(
      "| outage | down %.1f s | run exit %d | done %.1f s after restart | spooled %ld | "
      "pages %ld actions %ld | rows lost 0 |\n",
      outage_s, r.exit_code, back_to_done_s, j["batches_spooled"].get<long>(),
      j["pages"].get<long>(), j["actions"].get<long>());
}

TEST_CASE("engine: 20 parallel campaign create with one inline persona all succeed") {
  test::fresh_database db;
  const std::string path = "/tmp/ffe-inline-persona-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << R"({"name": "inline-race", "target_url": "http://127.0.0.1:1/",
      "total_sessions": 2, "persona": {"name": "racer", "pages_min": 1, "pages_max": 2}})";
  std::vector<test::child_proc> procs;
  for (int i = 0; i < 20; ++i)
    procs.push_back(
        test::spawn({FOOTFALL_BINARY, "campaign", "create", path, "--database-url", db.url()}));
  int ok = 0;
  for (auto& p : procs) {
    const auto r = test::wait(p, 120s);
    CAPTURE(r.err.substr(0, 1000));
    CHECK(r.exit_code == 0);
    ok += r.exit_code == 0;
  }
  std::filesystem::remove(path);
  CHECK(ok == 20);
  CHECK(db.count("SELECT count(*) FROM personas") == 1);
  CHECK(db.count("SELECT count(*) FROM campaigns") == 20);
}

TEST_CASE(
    "engine: workers started with one --campaign-file share one campaign (create if absent)") {
  test::fresh_database db;
  test::http_server site;
  const std::string path = "/tmp/ffe-indexed-job-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << R"({"name": "indexed-job", "target_url": ")" +
                             site.url("/journey/index.html") +
                             R"(", "total_sessions": 3, "concurrent_sessions": 3, "pace": 0,
      "rate_limit_delay_ms": 100, "persona": {"name": "pod", "pages_min": 1, "pages_max": 1,
      "actions_per_page_min": 1, "actions_per_page_max": 2}})";
  std::vector<test::child_proc> procs;
  for (int i = 0; i < 3; ++i)
    procs.push_back(
        test::spawn({FOOTFALL_BINARY, "worker", "--campaign-file", path, "--database-url", db.url(),
                     "--browsers", "1", "--contexts-per-browser", "1", "--no-progress"}));
  for (auto& p : procs) {
    const auto r = test::wait(p, 120s);
    CAPTURE(r.err.substr(0, 2000));
    CHECK(r.exit_code == 0);
  }
  std::filesystem::remove(path);
  CHECK(db.count("SELECT count(*) FROM campaigns") == 1);
  CHECK(db.count("SELECT count(*) FROM sessions") == 3);
  CHECK(db.count("SELECT count(*) FROM sessions WHERE status = 'completed'") == 3);
  CHECK(db.scalar("SELECT status::text FROM campaigns") == "completed");
}

TEST_CASE("engine: absurd campaign sizes are refused as bad input before anything is created") {
  test::fresh_database db;
  const std::string path = "/tmp/ffe-absurd-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << R"({"name": "huge", "target_url": "http://127.0.0.1:1/",
      "total_sessions": 1000000000, "concurrent_sessions": 50000, "lease_s": 0,
      "persona": {"name": "huge-persona"}})";
  for (const char* cmd : {"run", "campaign"}) {
    std::vector<std::string> argv{FOOTFALL_BINARY, cmd};
    if (std::string(cmd) == "campaign") argv.push_back("create");
    argv.insert(argv.end(), {path, "--database-url", db.url()});
    auto p = test::spawn(argv);
    const auto r = test::wait(p, 60s);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("total_sessions: must be <= 1000000") != std::string::npos);
    CHECK(r.err.find("concurrent_sessions: must be <= 10000") != std::string::npos);
    CHECK(r.err.find("lease_s: expected a positive integer") != std::string::npos);
  }
  std::filesystem::remove(path);
  CHECK(db.count("SELECT count(*) FROM campaigns") == 0);
  CHECK(db.count("SELECT count(*) FROM personas") == 0);
}

TEST_CASE("campaign_db: a write posted while the database is down is retried and lands when it "
          "returns, in order") {
  // The side thread's writes (a failed session's trace) are posted, not awaited: one refused
  // connection used to drop the trace. Now they wait the outage out like every other step.
  test::own_server own("-side-db");  // stopped below: not the suite's shared server
  boost::asio::thread_pool side(1);
  engine::campaign_db db(side.get_executor(), own.db.url(),
                         engine::outage_policy{30s, 100ms, 400ms});
  db.run_blocking<int>("creating the table", [](storage::connection& c) {
    c.execute("CREATE TABLE landed (n int)");
    return 0;
  });
  REQUIRE(own.server.stop());
  for (const char* n : {"1", "2"})
    db.post_retrying(std::string("write ") + n, [n](storage::connection& c) {
      c.execute(std::string("INSERT INTO landed VALUES (") + n + ")");
    });
  std::this_thread::sleep_for(1500ms);  // the first write fails and is retried meanwhile
  own.server.ensure_running();
  // The queue is in order: a blocking step after the two returns once both have landed.
  db.run_blocking<int>("barrier", [](storage::connection&) { return 0; });
  CHECK(own.db.scalar("SELECT string_agg(n::text, ',' ORDER BY n) FROM landed") == "1,2");
  CHECK(db.outage_seconds() >= 1.0);
  side.join();
}
