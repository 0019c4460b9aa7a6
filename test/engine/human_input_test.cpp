#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "engine/human_input.hpp"

using namespace footfall::engine;

TEST_CASE("human_input: linear tween matches Puppeteer's Mouse.move steps") {
  const auto s = linear_steps({100, 100}, {200, 300}, 5);
  REQUIRE(s.size() == 5);
  const double want[5][2] = {{120, 140}, {140, 180}, {160, 220}, {180, 260}, {200, 300}};
  for (int i = 0; i < 5; ++i) {
    CHECK(s[i].x == doctest::Approx(want[i][0]));
    CHECK(s[i].y == doctest::Approx(want[i][1]));
  }
}

TEST_CASE("human_input: Fitts's law grows with distance and shrinks with width") {
  CHECK(fitts_ms(0, 50) == doctest::Approx(50));
  CHECK(fitts_ms(800, 20) > fitts_ms(200, 20));
  CHECK(fitts_ms(400, 10) > fitts_ms(400, 100));
}

TEST_CASE("human_input: paths end exactly on target, curve, and take Fitts time") {
  rng r(5);
  int overshoots = 0;
  for (int i = 0; i < 200; ++i) {
    const point from{10, 10}, to{700, 400};
    const auto path = mouse_path(from, to, 40, 1.0, r);
    REQUIRE(path.size() >= 3);
    CHECK(path.back().at.x == to.x);
    CHECK(path.back().at.y == to.y);
    double total = 0, max_off = 0, far = 0;
    for (const auto& s : path) {
      total += s.delay_ms;
      // Distance from the straight line and how far past the target the path goes.
      const double cross =
          std::abs((to.x - from.x) * (s.at.y - from.y) - (to.y - from.y) * (s.at.x - from.x)) /
          std::hypot(to.x - from.x, to.y - from.y);
      max_off = std::max(max_off, cross);
      far = std::max(far, s.at.x);
    }
    if (far > to.x + 5) ++overshoots;
    CHECK(total >= 0.5 * fitts_ms(std::hypot(690, 390), 40));
    CHECK(max_off < 400);
  }
  CHECK(overshoots > 10);  // ~15% of long moves overshoot and correct
  CHECK(overshoots < 80);
  const auto fast = mouse_path({0, 0}, {300, 300}, 40, 0.0, r);
  CHECK(fast.size() <= 3);
  for (const auto& s : fast) CHECK(s.delay_ms == 0);
}

TEST_CASE("human_input: wheel steps are uneven and add up") {
  rng r(3);
  const auto steps = wheel_steps(1200, 1.0, r);
  double sum = 0;
  bool uneven = false;
  for (const auto& s : steps) {
    sum += s.delta_y;
    uneven |= s.delta_y != steps.front().delta_y;
  }
  CHECK(sum == doctest::Approx(1200));
  CHECK(uneven);
  CHECK(steps.size() >= 6);
  double up = 0;
  for (const auto& s : wheel_steps(-500, 0, r)) {
    up += s.delta_y;
    CHECK(s.delay_ms == 0);
  }
  CHECK(up == doctest::Approx(-500));
}

TEST_CASE("human_input: typing plans produce the text, with log-normal gaps and rare typos") {
  rng r(11);
  const std::string text = "the quick brown fox jumps over the lazy dog";
  int typos = 0, plans = 300;
  std::vector<double> gaps;
  for (int i = 0; i < plans; ++i) {
    const auto ks = typing_plan(text, 1.0, r);
    CHECK(apply_keystrokes(ks) == text);
    for (const auto& k : ks) {
      typos += k.backspace;
      if (!k.backspace) gaps.push_back(k.delay_ms);
    }
  }
  // ~2% of ~35 letters per plan.
  CHECK(typos > plans * 35 * 0.01);
  CHECK(typos < plans * 35 * 0.04);
  std::sort(gaps.begin(), gaps.end());
  const double median = gaps[gaps.size() / 2];
  CHECK(median > 90);
  CHECK(median < 140);
  CHECK(gaps.back() > 2 * median);  // a long right tail
  CHECK(apply_keystrokes(typing_plan("héllo ✓", 0, r)) == "héllo ✓");
}
