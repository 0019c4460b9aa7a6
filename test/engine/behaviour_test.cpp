#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "engine/persona/behaviour.hpp"
#include "support/personas.hpp"

using namespace footfall::engine;
using footfall::storage::action_type;

namespace {
footfall::storage::persona reader() {
  return footfall::test::persona_builder().duration_s(20, 40).pages(2, 5).actions(3, 6).odds(
      {.scroll = 0.8, .click = 0.5, .typing = 0.2});
}
}  // namespace

TEST_CASE("behaviour: plans stay within the persona's ranges") {
  const auto p = reader();
  for (int i = 0; i < 500; ++i) {
    auto r = rng::for_session(42, i);
    const auto plan = plan_session(p, r);
    CHECK(plan.duration_ms >= 20000);
    CHECK(plan.duration_ms <= 40000);
    CHECK(plan.pages >= 2);
    CHECK(plan.pages <= 5);
    const int n = actions_on_page(p, r);
    CHECK(n >= 3);
    CHECK(n <= 6);
  }
}

TEST_CASE("behaviour: same seed and index give the same journey, others differ") {
  const auto p = reader();
  auto draw = [&](std::uint64_t seed, int index) {
    auto r = rng::for_session(seed, index);
    std::vector<action_type> seq;
    for (int i = 0; i < 50; ++i) seq.push_back(next_action(p, r));
    return seq;
  };
  CHECK(draw(1, 3) == draw(1, 3));
  CHECK(draw(1, 3) != draw(1, 4));
  CHECK(draw(1, 3) != draw(2, 3));
}

TEST_CASE("behaviour: action mix follows the persona's probabilities") {
  auto p = reader();
  std::map<action_type, int> n;
  rng r(9);
  for (int i = 0; i < 20000; ++i) ++n[next_action(p, r)];
  CHECK(n[action_type::scroll] > n[action_type::click]);
  CHECK(n[action_type::click] > n[action_type::type]);
  CHECK(n[action_type::type] > n[action_type::clear]);
  for (auto t : {action_type::hover, action_type::double_click, action_type::right_click,
                 action_type::select, action_type::drag_and_drop, action_type::key_press,
                 action_type::scroll_to_element, action_type::clear})
    CHECK(n[t] > 0);
  CHECK(n[action_type::page_load] == 0);
  p.typing_probability = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto t = next_action(p, r);
    CHECK(t != action_type::type);
    CHECK(t != action_type::clear);
  }
}

TEST_CASE("behaviour: pace scales time and 0 removes it") {
  CHECK(paced(100, 1) == 100);
  CHECK(paced(100, 0.5) == 50);
  CHECK(paced(100, 0) == 0);
  const auto p = reader();
  rng r(1);
  const auto plan = plan_session(p, r);
  think_budget b(plan);
  for (int i = 0; i < 100; ++i) CHECK(b.next(r, 0, 10) > 0);
}

TEST_CASE("behaviour: think times spread what is left of the plan") {
  const auto p = reader();
  rng r(7);
  session_plan plan;
  plan.duration_ms = 24000;
  plan.pages = 2;
  // The thinks still ahead: this page's actions, then a link and the expected actions per page.
  const double per_page = (p.actions_per_page_min + p.actions_per_page_max) / 2.0 + 1.0;
  CHECK(thinks_left(plan, p, 1, 4) == 4 + static_cast<int>(std::lround(per_page)));
  CHECK(thinks_left(plan, p, 2, 3) == 3);
  CHECK(thinks_left(plan, p, 2, 0) == 1);  // never 0: the last think still has a median
  // A fresh budget (no action time seen yet): the median makes the thinks' mean fill the share.
  const double bias = std::exp(0.5 * 0.5 / 2);
  auto median = [&](double elapsed, int thinks) {
    std::vector<double> v;
    for (int i = 0; i < 4001; ++i) v.push_back(think_budget(plan).next(r, elapsed, thinks));
    std::nth_element(v.begin(), v.begin() + 2000, v.end());
    return v[2000];
  };
  CHECK(median(0, 12) == doctest::Approx(2000 / bias).epsilon(0.05));
  CHECK(median(12000, 12) == doctest::Approx(1000 / bias).epsilon(0.05));  // half the time spent
  CHECK(median(30000, 3) == doctest::Approx(150).epsilon(0.05));           // overrun: the floor
  // Time an action took is set aside for each think ahead: 2 thinks given of 1 s each in 4 s
  // elapsed means 1 s per action; 4 thinks ahead share 24 − 4 − 4 × 1 = 16 s.
  {
    std::vector<double> v;
    for (int i = 0; i < 4001; ++i) {
      think_budget b(plan);
      rng fixed(i);
      double given = 0;
      // Two thinks, whatever they drew; then elapsed = what they drew + 1 s of action each.
      given += b.next(fixed, 0, 6);
      given += b.next(fixed, given + 1000, 5);
      v.push_back(b.next(fixed, given + 2000, 4) / ((24000 - given - 2000 - 4 * 1000) / 4.0 / bias));
    }
    std::nth_element(v.begin(), v.begin() + 2000, v.end());
    CHECK(v[2000] == doctest::Approx(1.0).epsilon(0.05));
  }

  // A simulated visit whose every action takes 1.2 s on top of its think (the action times
  // footfall's pace-1 actions have: a Fitts-timed move, a flick of notches, per-key typing):
  // sessions keep to the plan instead of lasting plan + the actions' time.
  for (int pages : {2, 3}) {
    plan.pages = pages;
    std::vector<double> ratio;
    for (int s = 0; s < 400; ++s) {
      think_budget b(plan);
      double t = 0;
      for (int page = 1; page <= pages; ++page) {
        const int n = actions_on_page(p, r);
        for (int i = 0; i < n; ++i) t += b.next(r, t, thinks_left(plan, p, page, n - i)) + 1200;
        if (page < pages) t += b.next(r, t, thinks_left(plan, p, page, 0)) + 1200;
      }
      ratio.push_back(t / plan.duration_ms);
    }
    std::sort(ratio.begin(), ratio.end());
    CHECK(ratio[200] > 0.85);
    CHECK(ratio[200] < 1.15);
  }
}
