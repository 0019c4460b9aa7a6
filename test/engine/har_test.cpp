// Integration: `footfall har` (issue 21) on a campaign run with page health on against the fixture
// site, read by a real consumer: Playwright's routeFromHAR serves the session's pages with the site
// gone (test/scripts/har_consumer.sh installs playwright-core outside the repository; failing to
// install fails the test), after a schema check of every required HAR 1.2 field.
#include <doctest/doctest.h>

#include <fstream>

#include "engine/campaign/campaign_runner.hpp"
#include "engine_fixture.hpp"
#include "storage/connection.hpp"
#include "storage/writer.hpp"
#include "support/http_server.hpp"
#include "support/temp_dir.hpp"

using namespace footfall;
using nlohmann::json;

namespace {
json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return json::parse(in);
}
}  // namespace

TEST_CASE("har: a recorded session's HAR holds every request row and Playwright serves it offline") {
  test::fresh_database db;
  test::temp_dir dir;
  std::string session;
  {
    test::http_server site;
    site.handle("/health/boom", [](const test::http_request&) {
      return test::http_response{500, "text/plain", "boom", {}};
    });
    // Starts on the broken page, then walks the journey site by its links.
    const auto camp = test::make_campaign(db.url(), test::busy_persona("har"),
                                          site.url("/health/failures.html"), 1, 1, 21);
    const auto summary = engine::run_campaign(camp.id, test::test_run_options(db.url(), 1), true);
    REQUIRE(summary.campaign_status == storage::campaign_status::completed);
    session = db.scalar("SELECT id FROM sessions LIMIT 1");
  }  // the site is gone from here on
  const auto rows = db.count(
      "SELECT count(*) FROM requests r JOIN page_visits pv ON pv.id = r.page_visit_id AND "
      "pv.arrived_at = r.page_arrived_at WHERE pv.session_id = '" + session + "'");
  REQUIRE(rows > 0);
  CHECK(db.count("SELECT count(*) FROM requests WHERE status = 404 AND url LIKE '%/missing.png'") == 1);
  CHECK(db.count("SELECT count(*) FROM requests WHERE status = 500 AND url LIKE '%/health/boom'") == 1);
  CHECK(db.count("SELECT count(*) FROM page_visits WHERE request_count IS NULL") == 0);
  CHECK(db.count("SELECT sum(request_count) FROM page_visits") == rows);

  const auto har_file = (dir.path() / "session.har").string();
  auto har = test::spawn({FOOTFALL_BINARY, "har", session, "-o", har_file, "--database-url", db.url()});
  const auto r = test::wait(har, std::chrono::seconds(60));
  REQUIRE(r.exit_code == 0);
  const auto doc = read_json(har_file);
  CHECK(doc["log"]["version"] == "1.2");
  CHECK(std::int64_t(doc["log"]["entries"].size()) == rows);
  CHECK(doc["log"]["pages"].size() ==
        std::size_t(db.count("SELECT count(*) FROM page_visits WHERE session_id = '" + session + "'")));

  auto consumer = test::spawn({"/bin/sh", std::string(FOOTFALL_SOURCE_DIR) + "/test/scripts/har_consumer.sh",
                               har_file});
  const auto c = test::wait(consumer, std::chrono::seconds(600));
  INFO(c.out);
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  const auto report = json::parse(c.out);
  CHECK(report["problems"].empty());
  CHECK(report["served"].size() >= 3);  // the document(s) and the 404 and the 500
}

TEST_CASE("har: bad ids exit 2 naming them, a session recorded before page health has no entries") {
  test::fresh_database db;
  auto malformed = test::spawn({FOOTFALL_BINARY, "har", "not-a-uuid", "--database-url", db.url()});
  const auto m = test::wait(malformed, std::chrono::seconds(60));
  CHECK(m.exit_code == 2);
  CHECK(m.err.find("not-a-uuid") != std::string::npos);
  const std::string unknown = "01890000-0000-7000-8000-000000000000";
  auto missing = test::spawn({FOOTFALL_BINARY, "har", unknown, "--database-url", db.url()});
  const auto u = test::wait(missing, std::chrono::seconds(60));
  CHECK(u.exit_code == 2);
  CHECK(u.err.find(unknown) != std::string::npos);

  // A session as footfall wrote it before migration 0105: visits, no request_count, no requests.
  test::http_server site;
  const auto camp = test::make_campaign(db.url(), test::busy_persona("old"),
                                        site.url("/index.html"), 1, 1, 5);
  const auto sid = db.scalar("SELECT id FROM sessions LIMIT 1");
  db.exec("INSERT INTO page_visits (id, session_id, url, title, visit_order, arrived_at, left_at) "
          "VALUES (gen_random_uuid(), '" + sid + "', 'http://old.example/', 'Old', 1, now(), now())");
  auto old = test::spawn({FOOTFALL_BINARY, "har", sid, "--database-url", db.url()});
  const auto o = test::wait(old, std::chrono::seconds(60));
  REQUIRE(o.exit_code == 0);
  CHECK(o.err.find("without page health") != std::string::npos);
  const auto doc = json::parse(o.out);
  CHECK(doc["log"]["pages"].size() == 1);
  CHECK(doc["log"]["entries"].empty());
}
