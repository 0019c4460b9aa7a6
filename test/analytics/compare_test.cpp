// The regression verdict as a pure function.
#include <doctest/doctest.h>

#include "analytics/compare.hpp"

using namespace footfall::analytics;

namespace {

campaign_summary nightly() {
  campaign_summary s;
  s.id = "base";
  s.name = "nightly";
  s.sessions = 50;
  s.success_rate = 0.98;
  s.pages = 200;
  s.console_errors = 2;
  s.failed_requests = 1;
  s.rhythm_score = 0.8;
  s.detection_risk = 0.1;
  s.paths["/"] = {100, 120.0, 300.0};
  s.paths["/shop"] = {100, 20.0, 40.0};
  return s;
}

int regressed_rows(const comparison& c) {
  int n = 0;
  for (const auto& r : c.rows) n += r.status == diff_row::verdict::regressed;
  return n;
}

const diff_row& row(const comparison& c, const std::string& metric, const std::string& scope) {
  for (const auto& r : c.rows)
    if (r.metric == metric && r.scope == scope) return r;
  throw std::runtime_error("no row " + metric + " " + scope);
}

}  // namespace

TEST_CASE("compare: identical campaigns pass") {
  const auto c = compare(nightly(), nightly(), {});
  CHECK_FALSE(c.regressed);
  CHECK(regressed_rows(c) == 0);
  CHECK(render_comparison(c).find("verdict: PASS") != std::string::npos);
  CHECK(comparison_json(c)["verdict"] == "pass");
}

TEST_CASE("compare: each kind of regression is caught") {
  SUBCASE("success rate drop") {
    auto k = nightly();
    k.success_rate = 0.90;
    const auto c = compare(nightly(), k, {});
    CHECK(c.regressed);
    CHECK(row(c, "success_rate", "campaign").status == diff_row::verdict::regressed);
  }
  SUBCASE("p50 load +50% and +60 ms") {
    auto k = nightly();
    k.paths["/"].p50_ms = 180.0;
    const auto c = compare(nightly(), k, {});
    CHECK(c.regressed);
    CHECK(row(c, "load_p50_ms", "/").status == diff_row::verdict::regressed);
    CHECK(row(c, "load_p95_ms", "/").status == diff_row::verdict::ok);
  }
  SUBCASE("new console errors") {
    auto k = nightly();
    k.console_errors = 10;
    CHECK(row(compare(nightly(), k, {}), "console_errors_per_page", "campaign").status ==
          diff_row::verdict::regressed);
  }
  SUBCASE("failed requests") {
    auto k = nightly();
    k.failed_requests = 5;
    CHECK(compare(nightly(), k, {}).regressed);
  }
  SUBCASE("rhythm drop and risk rise") {
    auto k = nightly();
    k.rhythm_score = 0.5;
    k.detection_risk = 0.6;
    CHECK(regressed_rows(compare(nightly(), k, {})) == 2);
  }
}

TEST_CASE("compare: small absolute changes on fast pages are not regressions") {
  auto k = nightly();
  k.paths["/shop"].p50_ms = 30.0;  // +50%, but only +10 ms
  const auto c = compare(nightly(), k, {});
  CHECK_FALSE(c.regressed);
  auto better = nightly();
  better.paths["/"].p50_ms = 40.0;
  CHECK(row(compare(nightly(), better, {}), "load_p50_ms", "/").status ==
        diff_row::verdict::improved);
}

TEST_CASE("compare: a path only in one campaign is info and not a verdict") {
  auto k = nightly();
  k.paths["/new"] = {3, 900.0, 950.0};
  const auto c = compare(nightly(), k, {});
  CHECK_FALSE(c.regressed);
  CHECK(row(c, "load_p50_ms", "/new").status == diff_row::verdict::info);
}

TEST_CASE("compare: thresholds from JSON with errors naming the field") {
  const auto t = thresholds::from_json({{"success_rate_drop", 0.2}, {"rhythm_drop", 1}});
  CHECK(t.success_rate_drop == 0.2);
  CHECK(t.load_p50_increase_pct == 20);  // default kept
  auto k = nightly();
  k.success_rate = 0.90;
  CHECK_FALSE(compare(nightly(), k, t).regressed);
  CHECK_THROWS_WITH(thresholds::from_json({{"succes_rate_drop", 0.2}}),
                    doctest::Contains("unknown field 'succes_rate_drop'"));
  CHECK_THROWS_WITH(thresholds::from_json({{"rhythm_drop", "big"}}),
                    doctest::Contains("'rhythm_drop' must be a number"));
  CHECK_THROWS_WITH(thresholds::from_json({{"rhythm_drop", -1}}), doctest::Contains(">= 0"));
  CHECK_THROWS(thresholds::from_json(nlohmann::json::array()));
}
