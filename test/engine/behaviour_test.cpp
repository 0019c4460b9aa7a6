#include <doctest/doctest.h>

#include <map>

#include "engine/behaviour.hpp"

using namespace footfall::engine;
using footfall::storage::action_type;

namespace {
footfall::storage::persona reader() {
  footfall::storage::persona p;
  p.session_duration_min = 20;
  p.session_duration_max = 40;
  p.pages_min = 2;
  p.pages_max = 5;
  p.actions_per_page_min = 3;
  p.actions_per_page_max = 6;
  p.scroll_probability = 0.8;
  p.click_probability = 0.5;
  p.typing_probability = 0.2;
  return p;
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
  for (int i = 0; i < 100; ++i) CHECK(think_time_ms(plan, p, r) > 0);
}
