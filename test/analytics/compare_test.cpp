// The regression verdict as a pure function over samples drawn from known distributions.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "analytics/compare.hpp"

using namespace footfall::analytics;

namespace {

/// A campaign of `sessions` sessions, each visiting every path `visits` times; load times
/// lognormal around each path's median (σ 0.25), `slow` ms added to `slow_path`.
campaign_summary campaign(std::uint64_t seed, int sessions, int visits = 2, double slow = 0,
                          const std::string& slow_path = "/", int paths = 4) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> score(0.7, 0.08), risk(0.2, 0.05);
  campaign_summary s;
  s.id = "c" + std::to_string(seed);
  s.name = s.id;
  const double medians[] = {400, 120, 900, 60, 250, 700};
  for (int i = 0; i < sessions; ++i) {
    session_sample x;
    x.completed = true;
    x.pages = visits * paths;
    x.rhythm_score = score(rng);
    x.detection_risk = risk(rng);
    s.sessions.push_back(x);
    for (int p = 0; p < paths; ++p) {
      const std::string path = p == 0 ? "/" : "/p" + std::to_string(p);
      std::lognormal_distribution<double> load(std::log(medians[p % 6]), 0.25);
      for (int v = 0; v < visits; ++v)
        s.load_ms[path].push_back(load(rng) + (path == slow_path ? slow : 0));
    }
  }
  return s;
}

const diff_row& row(const comparison& c, const std::string& metric, const std::string& scope) {
  for (const auto& r : c.rows)
    if (r.metric == metric && r.scope == scope) return r;
  throw std::runtime_error("no row " + metric + " " + scope);
}

using verdict = diff_row::verdict;

}  // namespace

TEST_CASE("compare: identical campaigns pass with every metric judged") {
  const auto a = campaign(1, 20);
  const auto c = compare(a, a, {});
  CHECK_FALSE(c.regressed);
  CHECK(render_comparison(c).find("verdict: PASS") != std::string::npos);
  CHECK(comparison_json(c)["verdict"] == "pass");
  CHECK(row(c, "load_p50_ms", "/").status == verdict::ok);
  CHECK(row(c, "load_p50_ms", "/").ci->contains(0));
  // 40 visits cannot bound a p95 at the family's level: q^40 = 0.13.
  CHECK(row(c, "load_p95_ms", "/").status == verdict::inconclusive);
  // All paths, success, 2 scores, 4 paths' p50. No session had an error: the 2 error-rate rows
  // cannot differ and are judged outside the family (ok, at no cost to the others' level).
  CHECK(c.family == 8);
  CHECK(c.shares.n_outside == 2);
  CHECK(c.shares.n_loads == 4);
  CHECK(row(c, "console_errors_per_page", "campaign").status == verdict::ok);
  CHECK(row(c, "failed_requests_per_page", "campaign").status == verdict::ok);
}

TEST_CASE("compare: p95 is judged from order statistics once there are enough visits") {
  const auto b = campaign(1, 50, 4), same = campaign(2, 50, 4);
  auto tail = campaign(3, 50, 4);
  auto& v = tail.load_ms["/p2"];
  std::sort(v.begin(), v.end());
  for (std::size_t i = v.size() * 85 / 100; i < v.size(); ++i) v[i] += 2000;  // slowest 15 %
  const auto ok = row(compare(b, same, {}), "load_p95_ms", "/p2");
  CHECK(ok.status == verdict::ok);
  REQUIRE(ok.ci);
  CHECK(ok.ci->contains(0));
  const auto c = compare(b, tail, {});
  CHECK(row(c, "load_p95_ms", "/p2").status == verdict::regressed);
  CHECK(row(c, "load_p50_ms", "/p2").status == verdict::ok);  // the median did not move
}

TEST_CASE("compare: same-site pairs give no false regressions beyond the nominal rate") {
  // 300 pairs drawn from one distribution, 5 and 20 sessions: nominal ≤ 1 % family-wise.
  int false_regressions = 0;
  constexpr int pairs = 300;
  for (int i = 0; i < pairs; ++i) {
    const int sessions = i % 2 ? 5 : 20;
    false_regressions +=
        compare(campaign(1000 + 2 * i, sessions), campaign(1001 + 2 * i, sessions), {}).regressed;
  }
  CHECK(false_regressions <= 6);  // expected ≤ 3; 6 is p < 0.01 under Binomial(300, 0.01)
}

TEST_CASE("compare: a page 1.5 s slower is a regression, with the change inside the interval") {
  for (std::uint64_t seed : {5, 6, 7, 8}) {
    const auto c = compare(campaign(seed, 5), campaign(seed + 100, 5, 2, 1500), {});
    CAPTURE(seed);
    CHECK(c.regressed);
    const auto& r = row(c, "load_p50_ms", "/");
    CHECK(r.status == verdict::regressed);
    REQUIRE(r.ci);
    CHECK(r.ci->lo > 0);
    CHECK(r.ci->contains(1500));
    CHECK(row(c, "load_p50_ms", "/p1").status != verdict::regressed);
  }
}

TEST_CASE("compare: few samples are inconclusive, never a regression (issue 10's +80 % case)") {
  auto b = campaign(1, 5), k = campaign(2, 5);
  b.load_ms["/rare"] = {95};
  k.load_ms["/rare"] = {170, 171};  // +80 %, +75 ms on one and two visits
  const auto c = compare(b, k, {});
  const auto& r = row(c, "load_p50_ms", "/rare");
  CHECK(r.status == verdict::inconclusive);
  CHECK(r.note.find("too few samples") != std::string::npos);
  CHECK_FALSE(c.regressed);
  CHECK(render_comparison(c).find("inconclusive") != std::string::npos);
  // p95 needs many visits a side; 10 are not enough.
  CHECK(row(c, "load_p95_ms", "/").status == verdict::inconclusive);
}

TEST_CASE("compare: success rate, errors and scores regress only beyond noise and limit") {
  auto b = campaign(1, 20), k = campaign(2, 20);
  SUBCASE("most sessions fail") {
    // 12 of 20 (10 of 20 was enough before the campaign-wide load row took half the family's α).
    for (int i = 0; i < 12; ++i) k.sessions[i].completed = false;
    const auto c = compare(b, k, {});
    CHECK(row(c, "success_rate", "campaign").status == verdict::regressed);
    CHECK(row(c, "success_rate", "campaign").ci->hi < 0);
  }
  SUBCASE("one failure in 20 is noise") {
    k.sessions[3].completed = false;
    CHECK(row(compare(b, k, {}), "success_rate", "campaign").status == verdict::ok);
  }
  SUBCASE("console errors on every page") {
    for (auto& s : k.sessions) s.console_errors = s.pages;
    CHECK(row(compare(b, k, {}), "console_errors_per_page", "campaign").status ==
          verdict::regressed);
  }
  SUBCASE("errors in one session only are not enough evidence") {
    k.sessions[0].console_errors = 3;
    CHECK(row(compare(b, k, {}), "console_errors_per_page", "campaign").status == verdict::ok);
  }
  SUBCASE("rhythm drops by 0.3") {
    for (auto& s : k.sessions) *s.rhythm_score -= 0.3;
    const auto c = compare(b, k, {});
    CHECK(row(c, "rhythm_score", "campaign").status == verdict::regressed);
    CHECK(row(c, "detection_risk", "campaign").status == verdict::ok);
  }
  SUBCASE("a significant but small slowdown is below the limit") {
    for (auto& v : k.load_ms["/p1"]) v += 8;  // +8 ms on a 120 ms page: < 20 ms
    const auto& r = row(compare(b, k, {}), "load_p50_ms", "/p1");
    CHECK(r.status == verdict::ok);
    CHECK(*r.detectable >= 20);
  }
  SUBCASE("faster pages are improvements") {
    for (auto& v : k.load_ms["/p2"]) v *= 0.5;
    CHECK(row(compare(b, k, {}), "load_p50_ms", "/p2").status == verdict::improved);
  }
}

TEST_CASE("compare: a regression is a change beyond the limit at the family's confidence") {
  // +24 ms on a 120 ms page, 400 visits a side: the interval clears zero and the estimate is over
  // the 20 ms limit, but the interval reaches below the limit: not a regression (bench_verdicts'
  // unchanged-site false alarm was +62 [+10, +122] against a 20 ms limit).
  const auto b = campaign(1, 100, 4);
  auto k = campaign(2, 100, 4);
  for (auto& v : k.load_ms["/p1"]) v += 24;
  const auto& r = row(compare(b, k, {}), "load_p50_ms", "/p1");
  REQUIRE(r.ci);
  REQUIRE(r.change);
  CHECK(r.ci->lo > 0);
  CHECK(r.ci->lo < 20);
  CHECK(*r.change > 20);
  CHECK(r.status == verdict::ok);
  CHECK(*r.detectable > 20);  // the limit plus what the samples can resolve
  // The same samples against a 10 ms limit: now the whole interval is beyond it.
  thresholds t;
  t.load_p50_increase_ms = 10;
  t.load_p50_increase_pct = 1;
  CHECK(row(compare(b, k, t), "load_p50_ms", "/p1").status == verdict::regressed);
}

TEST_CASE("compare: visits measured while saturated never make a load regression") {
  const auto b = campaign(1, 10);
  auto k = campaign(2, 10, 2, 3000);
  const auto slow = compare(b, k, {});
  CHECK(row(slow, "load_p50_ms", "/").status == verdict::regressed);
  // The same slow visits, flagged as measured while footfall was saturated.
  k.saturated_visits["/"] = static_cast<int>(k.load_ms["/"].size());
  k.load_ms["/"].clear();
  const auto flagged = compare(b, k, {});
  const auto& r = row(flagged, "load_p50_ms", "/");
  CHECK(r.status != verdict::regressed);
  CHECK(r.note.find("saturated") != std::string::npos);
  CHECK_FALSE(flagged.regressed);
  CHECK(render_comparison(flagged).find("load generator was saturated") != std::string::npos);
}

TEST_CASE("compare: many paths do not inflate false regressions (Bonferroni family)") {
  int false_regressions = 0;
  for (int i = 0; i < 60; ++i)
    false_regressions += compare(campaign(5000 + i, 10, 3, 0, "/", 40),
                                 campaign(6000 + i, 10, 3, 0, "/", 40), {})
                             .regressed;
  CHECK(false_regressions <= 2);
  const auto c = compare(campaign(1, 10, 3, 0, "/", 40), campaign(2, 10, 3, 0, "/", 40), {});
  CHECK(c.family > 40);
  const auto& r = row(c, "load_p50_ms", "/");
  // Half the family's α goes to the campaign-wide row, a quarter is shared by the per-path load
  // p50 rows and a quarter by the rest.
  REQUIRE(c.shares.n_loads == 40);
  CHECK(r.row_confidence == doctest::Approx(1 - 2 * 0.0025 / 40));
  CHECK(c.family == 1 + c.shares.n_loads + c.shares.n_others);
  CHECK(row(c, all_paths_metric, all_paths_scope).row_confidence == doctest::Approx(1 - 2 * 0.005));
}

TEST_CASE("compare: the detectable change shrinks as samples grow") {
  const auto small = compare(campaign(1, 5), campaign(2, 5), {});
  const auto large = compare(campaign(1, 40), campaign(2, 40), {});
  const auto& s = row(small, "load_p50_ms", "/p2");
  const auto& l = row(large, "load_p50_ms", "/p2");
  REQUIRE(s.detectable);
  REQUIRE(l.detectable);
  CHECK(*l.detectable < *s.detectable);
}

TEST_CASE("compare: thresholds from JSON with errors naming the field") {
  const auto t = thresholds::from_json(
      {{"success_rate_drop", 0.2}, {"rhythm_drop", 1}, {"confidence", 0.95}, {"seed", 9}});
  CHECK(t.success_rate_drop == 0.2);
  CHECK(t.confidence == 0.95);
  CHECK(t.seed == 9);
  CHECK(t.load_p50_increase_pct == 5);  // default kept
  CHECK(thresholds::from_json(t.to_json()).to_json() == t.to_json());
  CHECK_THROWS_WITH(thresholds::from_json({{"succes_rate_drop", 0.2}}),
                    doctest::Contains("unknown field 'succes_rate_drop'"));
  CHECK_THROWS_WITH(thresholds::from_json({{"rhythm_drop", "big"}}),
                    doctest::Contains("'rhythm_drop' must be a number"));
  CHECK_THROWS_WITH(thresholds::from_json({{"rhythm_drop", -1}}), doctest::Contains(">= 0"));
  CHECK_THROWS_WITH(thresholds::from_json({{"confidence", 1}}), doctest::Contains("'confidence'"));
  CHECK_THROWS_WITH(thresholds::from_json({{"min_samples", 2.5}}),
                    doctest::Contains("'min_samples' must be a non-negative integer"));
  CHECK_THROWS(thresholds::from_json(nlohmann::json::array()));
}
