// The statistics under the verdict, against published values, brute force and seeded simulation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "analytics/inference.hpp"
#include "analytics/stats.hpp"

using namespace footfall::analytics;

namespace {

/// P(U ≤ u) by enumerating every way to pick which m of the m+n ranks belong to x.
std::vector<double> brute_force_cdf(int m, int n) {
  std::vector<double> count(static_cast<std::size_t>(m * n + 1), 0);
  std::vector<bool> pick(static_cast<std::size_t>(m + n), false);
  std::fill(pick.begin(), pick.begin() + m, true);
  double total = 0;
  do {
    // U = pairs (x, y) with y > x: for each x rank, the y ranks above it.
    int u = 0, ys_above = n;
    for (std::size_t r = 0; r < pick.size(); ++r) {
      if (pick[r]) u += ys_above;
      else --ys_above;
    }
    ++count[static_cast<std::size_t>(u)];
    ++total;
  } while (std::prev_permutation(pick.begin(), pick.end()));
  std::vector<double> cdf;
  double run = 0;
  for (double c : count) cdf.push_back((run += c) / total);
  return cdf;
}

std::vector<double> lognormal(std::mt19937_64& rng, int n, double median, double sigma) {
  std::lognormal_distribution<double> d(std::log(median), sigma);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(d(rng));
  return v;
}

}  // namespace

TEST_CASE("inference: the normal quantile matches published values") {
  CHECK(normal_quantile(0.5) == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959964).epsilon(1e-6));
  CHECK(normal_quantile(0.995) == doctest::Approx(2.575829).epsilon(1e-6));
  CHECK(normal_quantile(0.01) == doctest::Approx(-2.326348).epsilon(1e-6));
}

TEST_CASE("inference: exact Mann-Whitney null distribution equals enumeration") {
  for (auto [m, n] : {std::pair{1, 1}, {3, 4}, {4, 6}, {5, 5}, {7, 3}}) {
    CAPTURE(m);
    CAPTURE(n);
    const auto exact = mann_whitney_null_cdf(m, n), brute = brute_force_cdf(m, n);
    REQUIRE(exact.size() == brute.size());
    for (std::size_t u = 0; u < exact.size(); ++u) CHECK(exact[u] == doctest::Approx(brute[u]));
  }
  CHECK(mann_whitney_null_cdf(5, 5)[0] == doctest::Approx(1.0 / 252));
  CHECK(mann_whitney_min_p(5, 5) == doctest::Approx(1.0 / 252));
  // Published table (e.g. Siegel & Castellan, Table J): m = n = 10, two-sided 5 %: U ≤ 23.
  const auto t10 = mann_whitney_null_cdf(10, 10);
  CHECK(t10[23] <= 0.025);
  CHECK(t10[24] > 0.025);
  // Symmetric around mn/2 and large sizes stay exact (no overflow): m + n = 120.
  const auto big = mann_whitney_null_cdf(60, 60);
  REQUIRE(big.size() == 3601);
  CHECK(big[1799] == doctest::Approx(1 - big[1800]).epsilon(1e-9));
  CHECK(mann_whitney_null_cdf(61, 60).empty());  // beyond: the normal approximation
}

TEST_CASE("inference: Hodges-Lehmann recovers a known shift and its interval covers it") {
  std::vector<double> x, y;
  for (int i = 1; i <= 10; ++i) {
    x.push_back(i);
    y.push_back(i + 5.0);
  }
  const auto s = hodges_lehmann(x, y, 0.95);
  CHECK(s.estimate == doctest::Approx(5.0));
  CHECK(s.ci.contains(5.0));
  CHECK(s.ci.lo > 0);  // 10 vs 10 fully shifted by half the range is significant at 95 %
  // Too few samples for the level: the interval is unbounded (never a verdict).
  const auto tiny = hodges_lehmann({100}, {900}, 0.99);
  CHECK(std::isinf(tiny.ci.lo));
  CHECK(std::isinf(tiny.ci.hi));

  // Coverage on skewed data, exact (8 vs 12) and normal-approximation (70 vs 80) sizes.
  for (auto [m, n] : {std::pair{8, 12}, {70, 80}}) {
    std::mt19937_64 rng(42 + m);
    int covered = 0;
    constexpr int runs = 600;
    for (int i = 0; i < runs; ++i) {
      const auto a = lognormal(rng, m, 300, 0.5);
      auto b = lognormal(rng, n, 300, 0.5);
      for (auto& v : b) v += 40;  // a pure shift of 40 ms
      covered += hodges_lehmann(a, b, 0.95).ci.contains(40);
    }
    CAPTURE(m);
    CHECK(covered >= runs * 0.93);
    CHECK(covered <= runs * 0.985);
  }
}

TEST_CASE("inference: Wilson and Newcombe match Newcombe (1998)'s worked examples") {
  const auto w = wilson(0, 10, normal_quantile(0.975));
  CHECK(w.lo == doctest::Approx(0.0));
  CHECK(w.hi == doctest::Approx(0.2775).epsilon(1e-3));
  // Newcombe 1998, Table II (a): 56/70 − 48/80, method 10: 0.0524 to 0.3339.
  const auto d = newcombe_difference(48, 80, 56, 70, 0.95);
  CHECK(d.lo == doctest::Approx(0.0524).epsilon(1e-3));
  CHECK(d.hi == doctest::Approx(0.3339).epsilon(1e-3));
  // (b) 9/10 − 3/10: 0.1705 to 0.8090.
  const auto e = newcombe_difference(3, 10, 9, 10, 0.95);
  CHECK(e.lo == doctest::Approx(0.1705).epsilon(1e-3));
  CHECK(e.hi == doctest::Approx(0.8090).epsilon(1e-3));
}

TEST_CASE("inference: the bootstrap is seeded, centred and covers a known difference") {
  std::vector<unit> a, b;
  for (int i = 0; i < 30; ++i) {
    a.push_back({double(i % 3), 2});      // 1 error per 2 pages … on average 0.5 per page
    b.push_back({double(i % 3) + 2, 2});  // one more per page
  }
  const auto r1 = bootstrap_difference(a, b, ratio_of_sums, 0.95, 2000, 7);
  const auto r2 = bootstrap_difference(a, b, ratio_of_sums, 0.95, 2000, 7);
  CHECK(r1.ci.lo == r2.ci.lo);
  CHECK(r1.ci.hi == r2.ci.hi);
  CHECK(r1.estimate == doctest::Approx(1.0));
  CHECK(r1.ci.contains(1.0));
  CHECK(r1.ci.lo > 0.5);

  // Coverage of a mean difference on normal data.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> nd(10, 2);
  int covered = 0;
  constexpr int runs = 300;
  auto mean_of = [](const std::vector<unit>& u) { return ratio_of_sums(u); };
  for (int i = 0; i < runs; ++i) {
    std::vector<unit> x, y;
    for (int k = 0; k < 40; ++k) x.push_back({nd(rng), 1}), y.push_back({nd(rng) + 1, 1});
    covered += bootstrap_difference(x, y, mean_of, 0.9, 1000, i).ci.contains(1.0);
  }
  CHECK(covered >= runs * 0.85);
  CHECK(covered <= runs * 0.95);
}

TEST_CASE("inference: a shift of the stated minimum detectable effect is detected with ~power") {
  // Normal data, σ = 1, 20 vs 20, one-sided α = 1 %, power 80 %: MDE = (2.326 + 0.842)·√0.1·√(π/3).
  const double mde = rank_test_mde(1.0, 20, 20, 0.01, 0.8);
  CHECK(mde == doctest::Approx(3.1683 * std::sqrt(0.1) * 1.02333).epsilon(1e-3));
  std::mt19937_64 rng(11);
  std::normal_distribution<double> nd(0, 1);
  int detected = 0;
  constexpr int runs = 400;
  for (int i = 0; i < runs; ++i) {
    std::vector<double> x, y;
    for (int k = 0; k < 20; ++k) x.push_back(nd(rng)), y.push_back(nd(rng) + mde);
    detected += hodges_lehmann(x, y, 1 - 2 * 0.01).ci.lo > 0;
  }
  CHECK(detected >= runs * 0.70);
  CHECK(detected <= runs * 0.90);
  CHECK(robust_sd({1, 2, 3, 4, 100}) == doctest::Approx(1.4826));
}

TEST_CASE("inference: van Elteren's inverted interval is the set of shifts its brute-force Z accepts") {
  // Strata of different sizes and medians (paths of a site): the interval from the weighted
  // differences must agree with Z computed from the ranks themselves at every shift.
  std::mt19937_64 rng(11);
  const int sizes[][2] = {{1, 2}, {3, 1}, {7, 6}, {2, 9}, {12, 10}};
  const double medians[] = {80, 450, 120, 300, 60};
  std::vector<stratum> strata;
  for (int s = 0; s < 5; ++s)
    strata.push_back({lognormal(rng, sizes[s][0], medians[s], 0.3),
                      lognormal(rng, sizes[s][1], medians[s] * 1.1, 0.3)});
  // On the log scale a multiplicative change is a common shift.
  for (auto& s : strata) {
    for (auto& x : s.x) x = std::log(x);
    for (auto& y : s.y) y = std::log(y);
  }
  const double confidence = 0.9, z = normal_quantile(0.95);
  const auto r = van_elteren_shift(strata, confidence);
  REQUIRE(std::isfinite(r.ci.lo));
  REQUIRE(std::isfinite(r.ci.hi));
  CHECK(r.ci.lo < r.estimate);
  CHECK(r.estimate < r.ci.hi);
  CHECK(r.z == doctest::Approx(van_elteren_z(strata, 0)));
  // Z at the estimate is near 0; just outside the interval it passes ±z, well inside it does not
  // (the continuity correction makes the interval a little wider than the bare Z rule).
  // Outside the interval every shift is rejected (Z beyond ±z); inside none is by more than the
  // continuity correction (half the largest weight over sd[T]).
  CHECK(std::abs(van_elteren_z(strata, r.estimate)) < 0.35);
  for (double d = r.ci.lo - 1; d < r.ci.lo - 1e-6; d += 0.005) CHECK(van_elteren_z(strata, d) > z);
  for (double d = r.ci.hi + 1; d > r.ci.hi + 1e-6; d -= 0.005) CHECK(van_elteren_z(strata, d) < -z);
  for (double d = r.ci.lo + 1e-6; d < r.ci.hi - 1e-6; d += 0.005)
    CHECK(std::abs(van_elteren_z(strata, d)) < z + 0.15);
}

TEST_CASE("inference: van Elteren with one stratum is Hodges-Lehmann with the normal interval") {
  std::mt19937_64 rng(3);
  const auto x = lognormal(rng, 70, 200, 0.3), y = lognormal(rng, 70, 230, 0.3);
  const auto ve = van_elteren_shift({{x, y}}, 0.95);
  const auto hl = hodges_lehmann(x, y, 0.95);  // m + n = 140 > 120: normal with correction
  CHECK(ve.estimate == doctest::Approx(hl.estimate).epsilon(1e-9));
  // The same order statistics (the weighted rule with one weight is k − ½ ≤ mn/2 − z·sd).
  std::vector<double> d;
  for (double b : y)
    for (double a : x) d.push_back(b - a);
  std::sort(d.begin(), d.end());
  const auto pos = [&](double v) { return std::lower_bound(d.begin(), d.end(), v) - d.begin(); };
  CHECK(std::abs(pos(ve.ci.lo) - pos(hl.ci.lo)) <= 1);
  CHECK(std::abs(pos(ve.ci.hi) - pos(hl.ci.hi)) <= 1);
}

TEST_CASE("inference: van Elteren's interval covers a common shift at its level across strata") {
  // 400 seeded stratified samples (5 strata of 1–10 visits, different medians), true log shift
  // 0.2: the 90 % interval must cover it about 90 % of the time.
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<int> size(1, 10);
  int covered = 0, estimate_above = 0;
  constexpr int trials = 400;
  for (int t = 0; t < trials; ++t) {
    std::vector<stratum> strata;
    for (double m : {60.0, 120.0, 250.0, 400.0, 500.0}) {
      stratum s;
      for (double v : lognormal(rng, size(rng), m, 0.3)) s.x.push_back(std::log(v));
      for (double v : lognormal(rng, size(rng), m * std::exp(0.2), 0.3)) s.y.push_back(std::log(v));
      strata.push_back(std::move(s));
    }
    const auto r = van_elteren_shift(strata, 0.9);
    covered += r.ci.contains(0.2);
    estimate_above += r.estimate > 0.2;
  }
  CHECK(covered >= trials * 0.86);  // 0.9 nominal; the correction makes it a little conservative
  CHECK(covered <= trials * 0.97);
  CHECK(estimate_above > trials * 0.38);  // median-unbiased
  CHECK(estimate_above < trials * 0.62);
}

TEST_CASE("inference: van Elteren's smallest p falls with the strata's sizes, none without both sides") {
  CHECK(van_elteren_min_p({{{1}, {2}}}) > 0.1);
  CHECK(van_elteren_min_p({{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}}, {{1, 2, 3}, {4, 5, 6}}}) < 0.001);
  CHECK(van_elteren_min_p({{{1}, {}}}) == 1);
  const auto empty = van_elteren_shift({{{1, 2}, {}}}, 0.9);
  CHECK(std::isinf(empty.ci.lo));
}
