// compare on real campaigns: the footfall binary runs two pairs of 5-session campaigns in
// Chromium against the fixture site — one pair on the unchanged site, one whose candidate ran
// with the landing page made 1.5 s slower (test/support/http_server's delay) — and compare must
// pass the first (exit 0) and call the slowed page a regression in the second (exit 1).
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/http_server.hpp"
#include "support/pg/pg_fixture.hpp"
#include "test/analytics/compare_campaign.hpp"
#include "test/analytics/run_process.hpp"

using namespace footfall;
using nlohmann::json;

namespace {

test::run_result footfall_cli(const test::fresh_database& db, std::vector<std::string> args) {
  args.insert(args.begin(), FOOTFALL_BINARY);
  // The suites run in parallel on small machines: with footfall's default saturation limits
  // the busy CPU would flag most loads and compare would rightly call the pair inconclusive.
  // This test is about the statistics on real runs, so only a grossly late event loop flags a
  // visit here; saturation itself is tested in test/engine/saturation_test.cpp and
  // compare_test.cpp.
  return test::run_with_database(db.url(), std::move(args), std::chrono::seconds(300),
                                 {{"FOOTFALL_LOG_LEVEL", "warn"},
                                  {"FOOTFALL_SATURATION_CPU", "1.01"},
                                  {"FOOTFALL_SATURATION_LAG_MS", "2000"}});
}

/// Runs a 5-session campaign named `name` against `target`; requires success.
void run_campaign(const test::fresh_database& db, const test::temp_dir& dir,
                  const std::string& name, const std::string& target) {
  const auto file = test::write_compare_campaign(dir.path(), name, target, 5, 2, "verdict-cli");
  const auto r = footfall_cli(db, {"run", file.string()});
  REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
}

const json* row(const json& doc, const std::string& metric, const std::string& scope) {
  for (const auto& r : doc["rows"])
    if (r["metric"] == metric && r["scope"] == scope) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("cli compare: real campaigns on an unchanged site pass, a 1.5 s slower page fails" *
          doctest::timeout(900)) {
  test::fresh_database db;
  test::http_server site;
  test::temp_dir dir;
  const std::string landing = "/journey/index.html";
  run_campaign(db, dir, "site-a", site.url(landing));
  run_campaign(db, dir, "site-b", site.url(landing));
  site.delay(landing, std::chrono::milliseconds(1500));
  run_campaign(db, dir, "site-slow", site.url(landing));

  const auto same = footfall_cli(db, {"compare", "site-a", "site-b"});
  CHECK_MESSAGE(same.exit_code == 0, (same.out + same.err));
  CHECK(same.out.find("verdict: PASS") != std::string::npos);

  const auto slow = footfall_cli(db, {"compare", "site-a", "site-slow", "--json"});
  CHECK_MESSAGE(slow.exit_code == 1, (slow.out + slow.err));
  const auto doc = json::parse(slow.out);
  CHECK(doc["verdict"] == "regression");
  const json* r = row(doc, "load_p50_ms", landing);
  REQUIRE(r);
  CHECK((*r)["status"] == "REGRESSED");
  // The interval of the change brackets the injected 1.5 s (plus or minus the site's noise).
  CHECK((*r)["interval"]["low"].get<double>() > 1000);
  CHECK((*r)["change"].get<double>() > 1300);
  CHECK((*r)["change"].get<double>() < 2500);
  // No other path regressed: the delay was on the landing page only.
  for (const auto& x : doc["rows"])
    if (x["metric"] == "load_p50_ms" && x["scope"] != landing) CHECK(x["status"] != "REGRESSED");

  // The report of a real run carries the honest resource figures.
  const auto report = footfall_cli(db, {"report", "site-a", "--format", "json"});
  REQUIRE_MESSAGE(report.exit_code == 0, report.err);
  const auto a = json::parse(report.out)["analytics"];
  CHECK(a["peak_memory_mb"].get<int>() > 50);   // at least a browser and its renderers
  CHECK(a["peak_memory_mb"].get<int>() < 4000); // PSS, not RSS summed over processes
  CHECK(a["footfall_memory_mb"].get<int>() > 0);
  CHECK(a["machine_cpu_usage"].is_number());
  const auto full = json::parse(report.out);
  CHECK(full["saturated_visits"].is_number());
  // Timing fidelity: actions paced by timers carry their lateness (pace 0 still waits between
  // key strokes and navigations, so some do).
  CHECK(full["timing_fidelity"]["actions"].is_number());
}
