// Integration: the footfall binary as two worker processes sharing one campaign, and its CLI.
#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>
#include <thread>

#include "engine/engine_fixture.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"
#include "support/http_server.hpp"

using namespace footfall;

TEST_CASE("engine: two footfall worker processes run every session of a campaign exactly once") {
  test::fresh_database db;
  test::http_server site;
  const auto camp = test::make_campaign(db.url(), test::busy_persona("shared"),
                                        site.url("/journey/index.html"), 10, 4, 11);
  const auto [r1, r2] = test::two_workers(db.url(), camp.id.str(), std::chrono::seconds(240));
  CAPTURE(r1.err.substr(0, 2000));
  CAPTURE(r2.err.substr(0, 2000));
  CHECK(r1.exit_code == 0);
  CHECK(r2.exit_code == 0);
  CHECK(db.scalar("SELECT count(*) FROM sessions WHERE status = 'completed'") == "10");
  // Each session ran once: one first page each, and both workers took a share.
  CHECK(db.scalar("SELECT count(*) FROM page_visits WHERE visit_order = 1") == "10");
  CHECK(db.scalar("SELECT count(DISTINCT claimed_by) FROM sessions") == "2");
  CHECK(db.scalar("SELECT status::text FROM campaigns") == "completed");
  // The --json summaries add up.
  const auto j1 = nlohmann::json::parse(r1.out), j2 = nlohmann::json::parse(r2.out);
  CHECK(j1["run_sessions"].value("completed", 0) + j2["run_sessions"].value("completed", 0) == 10);
}

TEST_CASE("engine: footfall run rejects a bad campaign file naming the field and the rule") {
  test::fresh_database db;
  const std::string path = "/tmp/ffe-bad-campaign.json";
  std::ofstream(path)
      << R"({"name": "bad", "target_url": "http://127.0.0.1:1/", "total_sessions": 0,
                            "persona": {"name": "p", "pages_min": 3, "pages_max": 1}})";
  auto c = test::spawn({FOOTFALL_BINARY, "run", path, "--database-url", db.url()});
  const auto r = test::wait(c, std::chrono::seconds(60));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ffe-bad-campaign.json: total_sessions: expected a positive integer") !=
        std::string::npos);
  CHECK(r.err.find("ffe-bad-campaign.json: persona.pages_max: must be >= pages_min (3)") !=
        std::string::npos);
  CHECK(db.scalar("SELECT count(*) FROM campaigns") == "0");
}

TEST_CASE("engine: a worker waits while its campaign is paused and finishes after resume") {
  test::fresh_database db;
  test::http_server site;
  const auto camp = test::make_campaign(db.url(), test::busy_persona("pausable"),
                                        site.url("/journey/index.html"), 3, 1, 13);
  {
    storage::connection c{db.url()};
    storage::campaign_repository(c).transition(camp.id, storage::campaign_status::running);
  }
  auto p = test::spawn(
      {FOOTFALL_BINARY, "campaign", "pause", camp.id.str(), "--database-url", db.url()});
  REQUIRE(test::wait(p, std::chrono::seconds(30)).exit_code == 0);
  auto w = test::spawn({FOOTFALL_BINARY, "worker", camp.id.str(), "--database-url", db.url(),
                        "--browsers", "1", "--contexts-per-browser", "1", "--no-progress"});
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(db.scalar("SELECT count(*) FROM sessions WHERE status = 'pending'") == "3");
  auto r = test::spawn(
      {FOOTFALL_BINARY, "campaign", "resume", camp.id.str(), "--database-url", db.url()});
  CHECK(test::wait(r, std::chrono::seconds(30)).exit_code == 0);
  const auto done = test::wait(w, std::chrono::seconds(180));
  CAPTURE(done.err.substr(0, 2000));
  CHECK(done.exit_code == 0);
  CHECK(db.scalar("SELECT count(*) FROM sessions WHERE status = 'completed'") == "3");
  CHECK(db.scalar("SELECT status::text FROM campaigns") == "completed");
}

TEST_CASE(
    "engine: SIGTERM stops claiming, lets running sessions finish, exits 0 and leaves the rest "
    "pending") {
  test::fresh_database db;
  test::http_server site;
  const storage::persona persona = test::persona_builder(test::busy_persona("terminated"))
                                       .duration_s(3, 5).pages(1, 2).actions(2, 3);
  const auto camp =
      test::make_campaign(db.url(), persona, site.url("/journey/index.html"), 8, 2, 17);
  auto w = test::spawn({FOOTFALL_BINARY, "worker", camp.id.str(), "--database-url", db.url(),
                        "--pace", "1", "--browsers", "1", "--contexts-per-browser", "2",
                        "--no-progress", "--json"});
  bool started = false;
  for (int i = 0; i < 200 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    started = db.scalar("SELECT count(*) FROM sessions WHERE status <> 'pending'") != "0";
  }
  REQUIRE(started);
  kill(w.pid, SIGTERM);
  const auto r = test::wait(w, std::chrono::seconds(90));
  CAPTURE(r.err.substr(0, 3000));
  CHECK(r.exit_code == 0);
  CHECK(db.scalar("SELECT count(*) FROM sessions WHERE status = 'running'") == "0");
  CHECK(std::stoi(db.scalar("SELECT count(*) FROM sessions WHERE status = 'pending'")) >= 1);
  CHECK(std::stoi(db.scalar("SELECT count(*) FROM sessions WHERE status = 'completed'")) >= 1);
  CHECK(db.scalar("SELECT status::text FROM campaigns") == "running");
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["interrupted"].get<bool>());
  // Every page of every finished session was written before the exit.
  CHECK(db.scalar(
            "SELECT count(*) FROM sessions s WHERE s.status = 'completed' AND s.pages_visited <> "
            "(SELECT count(*) FROM page_visits pv WHERE pv.session_id = s.id)") == "0");
}

TEST_CASE("engine: footfall run refuses a browser that cannot run, before any session is claimed") {
  test::fresh_database db;
  test::http_server site;
  const std::string path = "/tmp/ffe-browser-campaign.json";
  std::ofstream(path) << R"({"name": "shell", "target_url": ")" << site.url("/journey/index.html")
                      << R"(", "total_sessions": 2, "browser": "headless-shell",
                            "persona": {"name": "p", "pages_min": 1, "pages_max": 1}})";
  {  // --headed with the shell the campaign chose: exit 2 saying why
    auto c = test::spawn({FOOTFALL_BINARY, "run", path, "--database-url", db.url(), "--headed"});
    const auto r = test::wait(c, std::chrono::seconds(60));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--headed: the headless shell has no window") != std::string::npos);
    CHECK(db.scalar("SELECT count(*) FROM sessions WHERE status <> 'pending'") == "0");
  }
  {  // an unknown --browser: exit 2 naming the flag and the rule, no campaign created for it
    auto c = test::spawn({FOOTFALL_BINARY, "run", path, "--database-url", db.url(), "--browser",
                          "firefox"});
    const auto r = test::wait(c, std::chrono::seconds(60));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--browser: expected \"chromium\" or \"headless-shell\"") !=
          std::string::npos);
  }
  {  // visit --campaign takes the campaign's browser too
    auto c = test::spawn({FOOTFALL_BINARY, "visit", site.url("/index.html"), "--campaign", path,
                          "--headed"});
    const auto r = test::wait(c, std::chrono::seconds(60));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("headless shell has no window") != std::string::npos);
  }
}
