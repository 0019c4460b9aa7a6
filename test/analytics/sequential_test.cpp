// Sampling until resolved (analytics/sequential.hpp): the plan of looks and its per-look
// confidence, the loop over fake candidates, and a simulation under the null that repeated looks
// keep the chance of any false regression within α (and that looking without the correction
// does not: the simulation can tell the two apart).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "analytics/sequential.hpp"

using namespace footfall::analytics;

namespace {

/// A campaign that can grow: sessions of `pages` visits walking six paths (hub first, medians
/// 50–500 ms, lognormal σ 0.2), every load times `factor`. The generator keeps its state, so
/// grow() adds fresh sessions to the same campaign, as --resolve does.
struct fake_campaign {
  std::mt19937_64 rng;
  double factor = 1;
  int pages = 5;
  int only = -1;  ///< >= 0: `factor` applies to that path alone
  double sigma = 0.2;
  campaign_summary c;

  explicit fake_campaign(std::uint64_t seed, double f = 1) : rng(seed), factor(f) {
    c.id = "c" + std::to_string(seed);
    c.name = c.id;
    c.target_url = "http://127.0.0.1:8080/";
    c.concurrent_sessions = 3;
  }
  campaign_summary grow(int sessions) {
    static constexpr double medians[] = {120, 50, 300, 500, 80, 200};
    std::uniform_int_distribution<int> pick(0, 5);
    for (int i = 0; i < sessions; ++i) {
      session_sample s;
      s.completed = true;
      s.pages = pages;
      c.sessions.push_back(s);
      for (int v = 0; v < pages; ++v) {
        const int p = v == 0 ? 0 : pick(rng);
        std::lognormal_distribution<double> load(std::log(medians[p]), sigma);
        const double f = only < 0 || only == p ? factor : 1.0;
        c.load_ms[p == 0 ? "/" : "/page" + std::to_string(p)].push_back(load(rng) * f);
      }
    }
    return c;
  }
};

/// Limits of 0 on loads make the null "no change at all" (the boundary of the minimum-effect
/// test): the least favourable case, where a false regression is likeliest.
thresholds zero_limits(double confidence) {
  thresholds t;
  t.confidence = confidence;
  t.load_p50_increase_pct = 0;
  t.load_p50_increase_ms = 0;
  t.load_p95_increase_pct = 0;
  t.load_p95_increase_ms = 0;
  t.bootstrap_resamples = 200;  // no error rows vary here; keep the simulation quick
  return t;
}

}  // namespace

TEST_CASE("sequential: the plan of looks spends alpha evenly over every planned look") {
  const auto p = plan_looks(5, 20, 5, 0.99);
  CHECK(p.looks == 4);
  CHECK(p.per_look_confidence() == doctest::Approx(1 - 0.01 / 4));
  CHECK(p.sessions_at(0) == 5);
  CHECK(p.sessions_at(1) == 10);
  CHECK(p.sessions_at(3) == 20);
  CHECK(p.sessions_at(4) == 20);  // capped

  const auto uneven = plan_looks(5, 22, 5, 0.95);  // the last round adds 2
  CHECK(uneven.looks == 5);
  CHECK(uneven.sessions_at(4) == 22);
  CHECK(uneven.per_look_confidence() == doctest::Approx(0.99));

  const auto none = plan_looks(8, 8, 3, 0.99);  // already at the cap: one look, the plain compare
  CHECK(none.looks == 1);
  CHECK(none.per_look_confidence() == doctest::Approx(0.99));

  auto message = [](auto f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message([] { plan_looks(5, 0, 5, 0.99); }) == "--max-sessions: 0 must be >= 1");
  CHECK(message([] { plan_looks(10, 6, 5, 0.99); }) ==
        "--max-sessions: 6 is below the candidate's 10 sessions (it caps the candidate's total)");
  CHECK(message([] { plan_looks(5, 20, 0, 0.99); }) == "--round-sessions: 0 must be >= 1");
}

TEST_CASE("sequential: the loop grows the candidate by rounds until resolved or capped") {
  const auto base = fake_campaign(1).grow(10);

  SUBCASE("every page 1.5x slower: regressed at the first look, nothing added") {
    fake_campaign cand(2, 1.5);
    int grown = 0;
    const auto plan = plan_looks(10, 40, 10, 0.99);
    const auto last = resolve(base, cand.grow(10), plan, thresholds{}, [&](int add) {
      grown += add;
      return cand.grow(add);
    });
    CHECK(last.result.result == outcome::regressed);
    CHECK(last.look == 0);
    CHECK(grown == 0);
    CHECK(last.result.limits.confidence == doctest::Approx(1 - 0.01 / 4));
  }

  SUBCASE("inconclusive: rounds of the planned size, every look at the per-look level, stops at "
          "the cap") {
    fake_campaign cand(3, 1.0);
    // A limit no interval can clear from below or above: every look stays inconclusive.
    thresholds t;
    t.min_samples = 1000;
    std::vector<int> adds, seen_sessions;
    std::vector<double> levels;
    const auto plan = plan_looks(5, 17, 5, 0.99);
    REQUIRE(plan.looks == 4);
    const auto last = resolve(
        base, cand.grow(5), plan, t,
        [&](int add) {
          adds.push_back(add);
          return cand.grow(add);
        },
        [&](const resolve_look& l) {
          seen_sessions.push_back(l.candidate_sessions);
          levels.push_back(l.result.limits.confidence);
          CHECK(static_cast<int>(l.result.candidate.sessions.size()) == l.candidate_sessions);
        });
    CHECK(last.result.result == outcome::inconclusive);
    CHECK(adds == std::vector<int>{5, 5, 2});
    CHECK(seen_sessions == std::vector<int>{5, 10, 15, 17});
    for (double c : levels) CHECK(c == doctest::Approx(1 - 0.01 / 4));
    CHECK(describe_look(last).rfind("resolve: look 4/4, 17 candidate sessions, INCONCLUSIVE", 0) ==
          0);
  }
}

TEST_CASE("sequential: a baseline grown with the candidate (--resolve-baseline) is what the later "
          "looks judge, and with --resolve-paths finds one slowed path a 5-session baseline "
          "hides") {
  SUBCASE("the loop judges every look against the latest baseline and says its size") {
    fake_campaign base(21), cand(22);
    thresholds t;
    t.min_samples = 1000;  // never resolvable: every planned look happens
    const auto plan = plan_looks(5, 15, 5, 0.99);
    std::vector<int> seen_base;
    const auto last = resolve(
        base.grow(5), cand.grow(5), plan, t,
        [&](int add) { return grown{cand.grow(add), base.grow(add)}; },
        [&](const resolve_look& l) {
          seen_base.push_back(static_cast<int>(l.result.baseline.sessions.size()));
          CHECK(l.baseline_sessions == (l.look == 0 ? 0 : seen_base.back()));
        });
    CHECK(seen_base == std::vector<int>{5, 10, 15});
    CHECK(describe_look(last).rfind("resolve: look 3/3, 15 candidate sessions (15 baseline), "
                                    "INCONCLUSIVE", 0) == 0);
  }

  SUBCASE("one path of six 20 % slower: found when the baseline grows too, at a steady spread") {
    // 20 pairs, 5 sessions a side to start, rounds of 5 up to 40 (8 looks), default thresholds
    // but for the bootstrap's size; the slowed path (/page3, 500 ms) is about 2 visits in 3
    // sessions. The campaign-wide row barely moves (one path of six) and passes early, so the
    // loop looks past a PASS while a path is unresolved (--resolve-paths). Against a baseline
    // kept at 5 sessions the slowed path's interval stays as wide as those few visits make it;
    // grown with the candidate, it narrows — enough at a steady page's spread (σ 0.1), not at
    // σ 0.2, where 40 sessions a side are still too few.
    thresholds t;
    t.bootstrap_resamples = 200;
    auto plan = plan_looks(5, 40, 5, t.confidence);
    plan.until_paths = true;  // --resolve-paths: the campaign-wide row passes long before
    for (const double sigma : {0.1, 0.2}) {
      int found_alone = 0, found_both = 0, false_both = 0, passed = 0;
      for (int i = 0; i < 20; ++i) {
        auto make = [&](std::uint64_t seed, double factor) {
          fake_campaign f(seed, factor);
          f.sigma = sigma;
          f.only = 3;
          return f;
        };
        for (const bool both : {false, true}) {
          auto base = make(3000 + i, 1), cand = make(4000 + i, 1.2);
          const auto r = resolve(base.grow(5), cand.grow(5), plan, t, [&](int add) -> grown {
            if (!both) return cand.grow(add);
            return {cand.grow(add), base.grow(add)};
          });
          (both ? found_both : found_alone) += r.result.result == outcome::regressed;
          // Never a green for a slowed path: unresolved at the cap is INCONCLUSIVE, named.
          passed += r.result.result == outcome::pass;
          if (r.result.result == outcome::inconclusive && both)
            CHECK_MESSAGE(r.result.reason.find("--resolve-paths: ") == 0, r.result.reason);
        }
        // The unchanged site, both grown alike: never a regression.
        auto base = make(3000 + i, 1), same = make(5000 + i, 1);
        const auto r0 = resolve(base.grow(5), same.grow(5), plan, t, [&](int add) -> grown {
          return {same.grow(add), base.grow(add)};
        });
        false_both += r0.result.result == outcome::regressed;
      }
      MESSAGE("σ " << sigma << ", one path +20 %, REGRESSED within 40 sessions: candidate alone "
                   << found_alone << "/20, baseline grown too " << found_both
                   << "/20; unchanged site: " << false_both << "/20 REGRESSED");
      CHECK(false_both == 0);
      CHECK(passed == 0);
      CHECK(found_both >= found_alone);
      if (sigma == 0.1) {  // 15 and 0 with these seeds
        CHECK(found_both >= 12);
        CHECK(found_alone <= 2);
      }
    }
  }
}

TEST_CASE("sequential: under the null, repeated looks keep false regressions within alpha") {
  // 600 pairs of unchanged campaigns: a baseline of 5 sessions, a candidate grown from 5 to 25
  // sessions in rounds of 5 (5 looks), every look judged with load limits of 0 (the least
  // favourable null). With the plan's per-look level the chance that any look regresses must stay
  // within α = 0.1; looking at the full level every time must exceed it (else this simulation
  // could not tell a correction from none).
  const double confidence = 0.9, alpha = 1 - confidence;
  const int pairs = 600;
  const auto plan = plan_looks(5, 25, 5, confidence);
  REQUIRE(plan.looks == 5);
  look_plan naive = plan;
  naive.looks = 1;  // per_look_confidence() == confidence: no correction
  int planned_false = 0, naive_false = 0, first_look_false = 0;
  for (int i = 0; i < pairs; ++i) {
    const auto base = fake_campaign(1000 + i).grow(5);
    for (int which = 0; which < 2; ++which) {
      fake_campaign cand(500000 + i);  // the same candidate draws under both rules
      // The naive rule keeps looking through the same 5 looks (its own plan says 1).
      const look_plan& rule = which == 0 ? plan : naive;
      const auto limits = zero_limits(confidence);
      bool regressed = false, first = false;
      auto c = cand.grow(5);
      auto t = limits;
      t.confidence = rule.per_look_confidence();
      for (int k = 0; k < plan.looks; ++k) {
        const auto r = compare(base, c, t);
        if (r.result == outcome::regressed) {
          regressed = true;
          if (k == 0) first = true;
          break;
        }
        if (r.result == outcome::pass) break;
        c = cand.grow(plan.sessions_at(k + 1) - plan.sessions_at(k));
      }
      if (which == 0) planned_false += regressed;
      if (which == 1) {
        naive_false += regressed;
        first_look_false += first;
      }
    }
  }
  const double planned = double(planned_false) / pairs, unplanned = double(naive_false) / pairs,
               single = double(first_look_false) / pairs;
  MESSAGE("false regressions in ", pairs, " null pairs: planned looks ", planned,
          ", uncorrected looks ", unplanned, ", one uncorrected look ", single);
  // Binomial SD at α = 0.1 and 600 pairs is 0.012: the bound holds with room.
  CHECK(planned <= alpha);
  CHECK(unplanned > single);   // looking again inflates the error without the correction...
  CHECK(unplanned > alpha);    // ... past α (0.117 with these seeds)
  CHECK(unplanned > planned);

  // The real loop under the same plan agrees with the hand-rolled one above.
  int loop_false = 0;
  for (int i = 0; i < 100; ++i) {
    const auto base = fake_campaign(1000 + i).grow(5);
    fake_campaign cand(500000 + i);
    const auto last = resolve(base, cand.grow(5), plan, zero_limits(confidence),
                              [&](int add) { return cand.grow(add); });
    loop_false += last.result.result == outcome::regressed;
  }
  CHECK(loop_false <= 100 * alpha);
}
