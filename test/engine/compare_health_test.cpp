// Integration: `footfall compare` judges page health (issue 21) on campaigns recorded by a real
// Chromium into a real PostgreSQL. The fixture page test/site/health/failures.html fetches
// /health/boom; the server answers 200 while the baseline runs and 500 while the candidate runs
// (counted on the server's side), so /health/boom is the one URL that newly fails. The page's
// broken image (404) and refused script fail in both campaigns: not new.
#include <doctest/doctest.h>

#include <atomic>

#include "engine/campaign/campaign_runner.hpp"
#include "engine_fixture.hpp"
#include "storage/connection.hpp"
#include "support/http_server.hpp"

using namespace footfall;
using nlohmann::json;

TEST_CASE("compare: a URL that newly fails in the candidate exits 1 and is named") {
  test::fresh_database db;
  test::http_server site;
  std::atomic<int> boom_status{200};
  std::atomic<int> sent_500{0};
  site.handle("/health/boom", [&](const test::http_request&) {
    const int status = boom_status.load();
    if (status == 500) ++sent_500;
    return test::http_response{status, "text/plain", "boom", {}};
  });
  // One short visit of the broken page per campaign: its requests are what is compared.
  const auto persona = test::persona_builder("newly-failing")
                           .duration_s(2, 4)
                           .pages(1, 1)
                           .actions(1, 2)
                           .odds({.scroll = 1.0, .click = 0, .typing = 0});
  const auto start = site.url("/health/failures.html");
  const auto base = test::make_campaign(db.url(), persona, start, 1, 1, 2101);
  REQUIRE(engine::run_campaign(base.id, test::test_run_options(db.url(), 1), true).campaign_status ==
          storage::campaign_status::completed);
  boom_status = 500;
  const auto cand = test::make_campaign(db.url(), persona, start, 1, 1, 2102);
  REQUIRE(engine::run_campaign(cand.id, test::test_run_options(db.url(), 1), true).campaign_status ==
          storage::campaign_status::completed);
  REQUIRE(sent_500.load() >= 1);
  // What the server sent is what was recorded: 500s only in the candidate.
  const auto boom_500 = [&](const storage::uuid& campaign) {
    return db.count(
        "SELECT count(*) FROM requests r JOIN page_visits pv ON pv.id = r.page_visit_id AND "
        "pv.arrived_at = r.page_arrived_at JOIN sessions s ON s.id = pv.session_id WHERE "
        "s.campaign_id = '" + campaign.str() + "' AND r.status = 500 AND r.url LIKE '%/health/boom'");
  };
  CHECK(boom_500(base.id) == 0);
  CHECK(boom_500(cand.id) == sent_500.load());

  const std::string endpoint = "127.0.0.1:" + std::to_string(site.port()) + "/health/boom";
  auto table = test::spawn({FOOTFALL_BINARY, "compare", base.id.str(), cand.id.str(),
                            "--database-url", db.url()});
  const auto t = test::wait(table, std::chrono::seconds(120));
  INFO(t.out);
  INFO(t.err);
  CHECK(t.exit_code == 1);
  CHECK(t.out.find("newly failing URLs") != std::string::npos);
  CHECK(t.out.find(endpoint + "  500 in 1 visits") != std::string::npos);
  CHECK(t.out.find("verdict: REGRESSION") != std::string::npos);

  auto machine = test::spawn({FOOTFALL_BINARY, "compare", base.id.str(), cand.id.str(), "--json",
                              "--database-url", db.url()});
  const auto m = test::wait(machine, std::chrono::seconds(120));
  CHECK(m.exit_code == 1);
  const auto j = json::parse(m.out);
  CHECK(j["verdict"] == "regression");
  REQUIRE(j["new_failed_urls"].size() == 1);  // not the 404 image nor the refused script
  CHECK(j["new_failed_urls"][0]["endpoint"] == endpoint);
  CHECK(j["new_failed_urls"][0]["statuses"] == "500");
  CHECK(j["new_failed_urls"][0]["baseline_requests"] >= 1);
  // The vitals the visits recorded are compared too (one visit a side: inconclusive rows that do
  // not decide the outcome). LCP of a visit measured while footfall was saturated is left out.
  const auto lcp_visits = db.count(
      "SELECT count(*) FROM page_visits WHERE lcp_ms IS NOT NULL AND NOT saturated");
  int lcp_rows = 0;
  for (const auto& r : j["rows"]) {
    if (r["metric"] != "lcp_change_pct") continue;
    ++lcp_rows;
    CHECK(r["status"] == "inconclusive");
  }
  CHECK(lcp_rows == (lcp_visits > 0 ? 1 : 0));
}
