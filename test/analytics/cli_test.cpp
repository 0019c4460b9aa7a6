// The footfall binary's analytics commands against a real PostgreSQL: report formats, and the
// regression verdict's exit codes (0 identical, 1 injected regression, 2 bad input).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "support/pg/pg_fixture.hpp"
#include "test/analytics/campaign_gen.hpp"
#include "test/analytics/run_process.hpp"

using namespace footfall;

namespace {

test::run_result footfall_cli(const test::fresh_database& db, std::vector<std::string> args) {
  args.insert(args.begin(), FOOTFALL_BINARY);
  return test::run_with_database(db.url(), std::move(args), std::chrono::seconds(120),
                                 {{"FOOTFALL_LOG_LEVEL", "warn"}});
}

test::campaign_gen_options nightly(const std::string& name, int sessions = 8) {
  test::campaign_gen_options o;
  o.name = name;
  o.sessions = sessions;
  o.pages = 4;
  o.actions_per_page = 6;
  o.failed_every = 8;  // failures in both: identical campaigns, identical verdict inputs
  o.seed = 11;
  return o;
}

}  // namespace

TEST_CASE("cli compare: identical campaigns pass (0) or, when small, are inconclusive (4), an injected regression fails (1)" *
          doctest::timeout(300)) {
  test::fresh_database db;
  // 30 sessions: identical campaigns of 8 are INCONCLUSIVE, not PASS (the campaign-wide load
  // interval of 32 visits a side at σ 0.25 reaches past the +17 % limit of a 120 ms page).
  const auto base = test::generate_campaign(db.url(), nightly("night-1", 30));
  const auto same = test::generate_campaign(db.url(), nightly("night-2", 30));
  const auto small_1 = test::generate_campaign(db.url(), nightly("small-1"));
  const auto small_2 = test::generate_campaign(db.url(), nightly("small-2"));
  auto broken_opts = nightly("night-3", 30);
  broken_opts.load_ms = 600;             // pages 5x slower
  broken_opts.console_errors_per_page = 2;
  broken_opts.failed_every = 2;          // half the sessions fail
  const auto broken = test::generate_campaign(db.url(), broken_opts);

  const auto pass = footfall_cli(db, {"compare", "night-1", "night-2"});
  CHECK_MESSAGE(pass.exit_code == 0, (pass.out + pass.err));
  CHECK(pass.out.find("verdict: PASS") != std::string::npos);

  const auto small = footfall_cli(db, {"compare", "small-1", "small-2"});
  CHECK_MESSAGE(small.exit_code == 4, (small.out + small.err));
  CHECK(small.out.find("verdict: INCONCLUSIVE (all paths ") != std::string::npos);
  CHECK(small.out.find("more sessions per side to resolve") != std::string::npos);

  const auto fail = footfall_cli(db, {"compare", base.id.str(), broken.id.str()});
  CHECK_MESSAGE(fail.exit_code == 1, (fail.out + fail.err));
  CHECK(fail.out.find("verdict: REGRESSION") != std::string::npos);
  CHECK(fail.out.find("success_rate") != std::string::npos);

  const auto j = footfall_cli(db, {"compare", "night-1", "night-3", "--json"});
  CHECK(j.exit_code == 1);
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["verdict"] == "regression");
  int load_regressions = 0, error_regressions = 0;
  for (const auto& row : doc["rows"]) {
    if (row["status"] != "REGRESSED") continue;
    if (row["metric"] == "load_p50_ms") ++load_regressions;
    if (row["metric"] == "console_errors_per_page") ++error_regressions;
  }
  CHECK(load_regressions >= 4);  // every path got slower
  CHECK(error_regressions == 1);

  // Loose enough thresholds turn the same difference into a pass.
  test::temp_dir dir;
  const auto loose = dir.path() / "loose.json";
  std::ofstream(loose) << R"({"success_rate_drop": 1, "load_p50_increase_pct": 1000,
    "load_p95_increase_pct": 1000, "console_errors_per_page_increase": 5,
    "rhythm_drop": 1, "detection_risk_increase": 1})";
  const auto lenient = footfall_cli(db, {"compare", "night-1", "night-3", "--thresholds", loose.string()});
  CHECK_MESSAGE(lenient.exit_code == 0, (lenient.out + lenient.err));
}

TEST_CASE("cli compare: bad input exits 2 naming the problem" * doctest::timeout(120)) {
  test::fresh_database db;
  test::generate_campaign(db.url(), nightly("only"));
  const auto unknown = footfall_cli(db, {"compare", "only", "missing-campaign"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("missing-campaign") != std::string::npos);

  test::temp_dir dir;
  const auto bad = dir.path() / "bad.json";
  std::ofstream(bad) << R"({"load_p50_increase_percent": 10})";
  const auto typo = footfall_cli(db, {"compare", "only", "only", "--thresholds", bad.string()});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("unknown field 'load_p50_increase_percent'") != std::string::npos);

  CHECK(footfall_cli(db, {"compare", "only"}).exit_code == 2);
  CHECK(footfall_cli(db, {"report", "only", "--format", "pdf"}).exit_code == 2);
}

TEST_CASE("cli report: table and json and junit and html of a recorded campaign" * doctest::timeout(300)) {
  test::fresh_database db;
  auto o = nightly("report-me");
  o.failed_every = 4;
  const auto k = test::generate_campaign(db.url(), o);

  const auto recompute = footfall_cli(db, {"analytics", "recompute", "report-me", "--json"});
  REQUIRE_MESSAGE(recompute.exit_code == 0, recompute.err);
  const auto rj = nlohmann::json::parse(recompute.out);
  CHECK(rj["sessions"] == 8);
  CHECK(rj["actions"] == 8 * 4 * 6);
  CHECK(rj["rollup_rows"].get<int>() > 0);
  CHECK(db.count("SELECT count(*) FROM session_analytics") == 8);
  const auto rollup = footfall_cli(db, {"analytics", "rollup"});
  CHECK_MESSAGE(rollup.exit_code == 0, rollup.err);
  CHECK(db.count("SELECT count(*) FROM rollup_state WHERE refreshed_to IS NOT NULL") == 1);
  CHECK(footfall_cli(db, {"analytics", "recompute", "no-such-campaign"}).exit_code == 2);

  const auto table = footfall_cli(db, {"report", "report-me"});
  REQUIRE_MESSAGE(table.exit_code == 0, table.err);
  CHECK(table.out.find("8 total: 6 completed, 2 failed") != std::string::npos);
  CHECK(table.out.find("avg rhythm score") != std::string::npos);
  CHECK(table.out.find("/shop/item") != std::string::npos);

  const auto json = footfall_cli(db, {"report", k.id.str(), "--format", "json"});
  REQUIRE(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["sessions"].size() == 8);
  CHECK(doc["analytics"]["failed_sessions"] == 2);
  CHECK(doc["action_mix"]["click"].get<int>() > 0);

  test::temp_dir dir;
  const auto junit = dir.path() / "junit.xml";
  REQUIRE(footfall_cli(db, {"report", "report-me", "-f", "junit", "-o", junit.string()}).exit_code == 0);
  const auto xml = test::run({"/usr/bin/python3", "-c",
                              "import sys, xml.etree.ElementTree as E\n"
                              "s = E.parse(sys.argv[1]).getroot().find('testsuite')\n"
                              "print(s.get('tests'), s.get('failures'), len(s.findall('testcase')),"
                              " len(s.findall('testcase/failure')))\n",
                              junit.string()});
  REQUIRE_MESSAGE(xml.exit_code == 0, xml.err);
  CHECK(xml.out == "8 2 8 2\n");

  const auto html = dir.path() / "report.html";
  REQUIRE(footfall_cli(db, {"report", "report-me", "-f", "html", "-o", html.string()}).exit_code == 0);
  const auto page = test::slurp(html);
  CHECK(page.find("<canvas id=\"heat\">") != std::string::npos);
  CHECK(page.find("page crashed: renderer gone") != std::string::npos);
}
