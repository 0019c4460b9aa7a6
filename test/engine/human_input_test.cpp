// The human models' statistics, pinned with fixed seeds against the published figures they
// imitate (references in engine/persona/human_input.cpp and engine/persona/typing_model.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/journey/human_dispatch.hpp"
#include "engine/persona/human_input.hpp"
#include "engine/persona/typing_model.hpp"

using namespace footfall::engine;

namespace {
double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double sd_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}
const std::string pangram = "the quick brown fox jumps over the lazy dog";
}  // namespace

TEST_CASE("human_input: linear tween matches Puppeteer's Mouse.move steps") {
  const auto s = linear_steps({100, 100}, {200, 300}, 5);
  REQUIRE(s.size() == 5);
  const double want[5][2] = {{120, 140}, {140, 180}, {160, 220}, {180, 260}, {200, 300}};
  for (int i = 0; i < 5; ++i) {
    CHECK(s[i].x == doctest::Approx(want[i][0]));
    CHECK(s[i].y == doctest::Approx(want[i][1]));
  }
}

TEST_CASE("human_input: Fitts's law (a = 100 ms, b = 230 ms/bit) and the minimum-jerk profile") {
  CHECK(fitts_ms(0, 50) == doctest::Approx(100));
  CHECK(fitts_ms(700, 100) == doctest::Approx(100 + 230 * 3));  // ID = log2(8) = 3 bits
  CHECK(fitts_ms(400, 10) > fitts_ms(400, 100));
  CHECK(min_jerk(0) == 0);
  CHECK(min_jerk(0.5) == doctest::Approx(0.5));
  CHECK(min_jerk(1) == doctest::Approx(1));
  // Bell-shaped velocity: peak at mid-movement, peak/mean = 1.875 (Flash & Hogan 1985).
  double peak = 0, at = 0;
  for (int i = 0; i < 1000; ++i) {
    const double v = (min_jerk((i + 1) / 1000.0) - min_jerk(i / 1000.0)) * 1000;
    if (v > peak) peak = v, at = i / 1000.0;
  }
  CHECK(at == doctest::Approx(0.5).epsilon(0.01));
  CHECK(peak == doctest::Approx(1.875).epsilon(0.01));
}

TEST_CASE("human_input: pointer paths — Fitts time, sub-movements, path ratio, frame sampling") {
  rng r(5);
  int overshoots = 0;
  std::vector<double> ratios, duration_ratio, peak_at;
  for (int i = 0; i < 300; ++i) {
    const point from{10, 10}, to{700, 400};
    const auto path = mouse_path(from, to, 40, 1.0, r);
    REQUIRE(path.size() >= 6);
    CHECK(path.back().at.x == to.x);
    CHECK(path.back().at.y == to.y);
    double len = 0, far = 0, best = 0, best_t = 0;
    point prev = from;
    double prev_t = 0;
    for (const auto& s : path) {
      const double d = std::hypot(s.at.x - prev.x, s.at.y - prev.y);
      len += d;
      if (s.at_ms > prev_t && d / (s.at_ms - prev_t) > best)
        best = d / (s.at_ms - prev_t), best_t = s.at_ms;
      CHECK(s.at_ms - prev_t <= 200);  // frames ~16 ms apart; one dwell between sub-movements
      prev = s.at;
      prev_t = s.at_ms;
      far = std::max(far, s.at.x);
    }
    if (far > to.x + 5) ++overshoots;
    const double straight = std::hypot(to.x - from.x, to.y - from.y);
    ratios.push_back(len / straight);
    duration_ratio.push_back(path.back().at_ms / fitts_ms(straight, 40));
    peak_at.push_back(best_t / path.back().at_ms);
  }
  // ~15 % of long moves overshoot (Meyer et al. 1988: primary sub-movements mostly undershoot).
  CHECK(overshoots > 25);
  CHECK(overshoots < 75);
  // Path length / straight distance: slightly curved, never a detour.
  CHECK(mean_of(ratios) > 1.01);
  CHECK(mean_of(ratios) < 1.15);
  CHECK(*std::max_element(ratios.begin(), ratios.end()) < 1.4);
  CHECK(mean_of(duration_ratio) == doctest::Approx(1.05).epsilon(0.12));
  // Peak speed early: in the primary sub-movement (first ~70 % of the time).
  CHECK(mean_of(peak_at) > 0.2);
  CHECK(mean_of(peak_at) < 0.6);
  const auto fast = mouse_path({0, 0}, {300, 300}, 40, 0.0, r);
  REQUIRE(fast.size() == 1);
  CHECK(fast[0].at_ms == 0);
  CHECK(idle_jitter({100, 100}, 2000, 0, r).empty());
  const auto idle = idle_jitter({100, 100}, 2000, 1, r);
  CHECK(idle.size() >= 4);
  for (const auto& s : idle) CHECK(std::abs(s.at.x - 100) <= 2);
}

TEST_CASE("human_input: click placement is centre-biased and inside, holds ≈ 100 ms") {
  rng r(8);
  std::vector<double> xs, holds;
  int central = 0;
  for (int i = 0; i < 5000; ++i) {
    const auto f = click_fraction(r);
    CHECK(f.x >= 0.05);
    CHECK(f.x <= 0.95);
    CHECK(f.y >= 0.05);
    CHECK(f.y <= 0.95);
    xs.push_back(f.x);
    central += std::abs(f.x - 0.5) < 0.2;
    holds.push_back(click_hold_ms(r));
  }
  CHECK(mean_of(xs) == doctest::Approx(0.5).epsilon(0.02));
  CHECK(sd_of(xs) == doctest::Approx(0.165).epsilon(0.08));
  // N(0.5, 0.17) puts ~76 % within the middle 40 %; the old uniform 30–70 % box put 100 %.
  CHECK(central > 5000 * 0.70);
  CHECK(central < 5000 * 0.82);
  CHECK(mean_of(holds) > 85);
  CHECK(mean_of(holds) < 110);
  std::sort(holds.begin(), holds.end());
  CHECK(holds[holds.size() / 40] > 55);        // 2.5th percentile
  CHECK(holds[holds.size() * 39 / 40] < 155);  // 97.5th percentile
}

TEST_CASE("human_input: wheel notches are exactly 100 px, a touchpad streams small deltas") {
  rng r(3);
  const auto notches = wheel_steps(1240, scroll_device::wheel, 1.0, r);
  double sum = 0;
  for (const auto& s : notches) {
    CHECK(s.delta_y == 100);
    sum += s.delta_y;
  }
  CHECK(sum == 1200);  // whole notches
  for (std::size_t i = 1; i < notches.size(); ++i) CHECK(notches[i].at_ms > notches[i - 1].at_ms);
  CHECK(wheel_steps(30, scroll_device::wheel, 1.0, r).size() == 1);  // at least one notch
  CHECK(wheel_steps(-250, scroll_device::wheel, 1.0, r).front().delta_y == -100);

  const auto pad = wheel_steps(-537, scroll_device::touchpad, 1.0, r);
  sum = 0;
  for (std::size_t i = 0; i < pad.size(); ++i) {
    CHECK(pad[i].delta_y < 0);
    CHECK(std::abs(pad[i].delta_y) <= 50);
    CHECK(pad[i].delta_y == std::round(pad[i].delta_y));
    if (i > 0) CHECK(pad[i].at_ms - pad[i - 1].at_ms < 60);
    sum += pad[i].delta_y;
  }
  CHECK(sum == -537);
  CHECK(pad.size() >= 15);
  // Momentum: the tail decays.
  CHECK(std::abs(pad.back().delta_y) < std::abs(pad[pad.size() / 3].delta_y));
  for (const auto& s : wheel_steps(500, scroll_device::wheel, 0, r)) CHECK(s.at_ms == 0);
}

TEST_CASE("typing_model: IKI, holds, rollover, typos match Dhakal et al. 2018 (seeded)") {
  rng r(11);
  const auto prof = profile_for(typing_skill::average);
  std::vector<double> gaps, holds;
  int typos = 0, overlaps = 0, keys = 0;
  for (int i = 0; i < 300; ++i) {
    const auto ks = plan_typing(pangram, prof, 1.0, r);
    CHECK(apply_keys(ks) == pangram);
    for (std::size_t j = 0; j < ks.size(); ++j) {
      typos += ks[j].backspace;
      holds.push_back(ks[j].up_ms - ks[j].down_ms);
      if (j > 0 && !ks[j].backspace && !ks[j - 1].backspace) {
        gaps.push_back(ks[j].down_ms - ks[j - 1].down_ms);
        overlaps += ks[j].down_ms < ks[j - 1].up_ms;
        ++keys;
      }
    }
  }
  // Inter-key interval: mean ≈ 239 ms, SD ≈ 112 ms.
  CHECK(mean_of(gaps) > 215);
  CHECK(mean_of(gaps) < 265);
  CHECK(sd_of(gaps) > 85);
  CHECK(sd_of(gaps) < 140);
  CHECK(*std::min_element(gaps.begin(), gaps.end()) >= 35);
  // Holds ≈ 100 ms.
  CHECK(mean_of(holds) > 90);
  CHECK(mean_of(holds) < 115);
  // Rollover: the next key goes down before the previous comes up, now and then.
  CHECK(overlaps > keys * 0.01);
  CHECK(overlaps < keys * 0.2);
  // ~2 % of ~35 letters per plan mistyped and corrected.
  CHECK(typos > 300 * 35 * 0.01);
  CHECK(typos < 300 * 35 * 0.04);
  CHECK(apply_keys(plan_typing("héllo ✓", prof, 0, r)) == "héllo ✓");
}

TEST_CASE("typing_model: skills order by speed, Shift wraps shifted keys, pace scales") {
  rng r(4);
  auto mean_gap = [&](typing_skill s) {
    std::vector<double> g;
    for (int i = 0; i < 100; ++i) {
      const auto ks = plan_typing(pangram, profile_for(s), 1.0, r);
      for (std::size_t j = 1; j < ks.size(); ++j) g.push_back(ks[j].down_ms - ks[j - 1].down_ms);
    }
    return mean_of(g);
  };
  CHECK(mean_gap(typing_skill::expert) < 180);
  CHECK(mean_gap(typing_skill::novice) > 330);

  const auto ks = plan_typing("Hello World!", profile_for(typing_skill::average), 1.0, r);
  CHECK(apply_keys(ks) == "Hello World!");
  const auto ev = key_events(ks);
  // Shift goes down before H and up before the next key; the page sees key order + modifiers.
  REQUIRE(ev.front().key == "Shift");
  CHECK(ev.front().down);
  for (std::size_t j = 0; j < ks.size(); ++j) {
    if (!ks[j].shift_press) continue;
    CHECK(ks[j].shift_down_ms < ks[j].down_ms);
    CHECK(ks[j].down_ms - ks[j].shift_down_ms < 300);
    if (j > 0) CHECK(ks[j].shift_down_ms > ks[j - 1].down_ms);
  }
  for (std::size_t j = 0; j + 1 < ks.size(); ++j)
    if (ks[j].shift_release) CHECK(ks[j].shift_up_ms < ks[j + 1].down_ms);

  rng a(9), b(9);
  const auto one = plan_typing(pangram, profile_for(typing_skill::average), 1.0, a);
  const auto two = plan_typing(pangram, profile_for(typing_skill::average), 2.0, b);
  REQUIRE(one.size() == two.size());
  CHECK(two.back().down_ms == doctest::Approx(2 * one.back().down_ms));
  const auto t = timing_of(one);
  CHECK(t.holds.size() == one.size());
  CHECK(t.gaps.size() == one.size() - 1);
}
