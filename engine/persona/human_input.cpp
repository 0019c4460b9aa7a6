// Pointer, click and scroll models. Every constant names the measurement it imitates; the
// realism benchmark (bench/realism.cpp) compares the page-side result with the same figures.
#include "engine/persona/human_input.hpp"

#include <algorithm>
#include <cmath>

#include "engine/persona/behaviour.hpp"

namespace footfall::engine {
namespace {

// Fitts's law for a mouse, Shannon formulation (MacKenzie 1992, "Fitts' law as a research and
// design tool in HCI"). b = 1/TP with mouse throughput TP ≈ 3.7–4.9 bits/s (Soukoreff &
// MacKenzie 2004, IJHCS 61) → b ≈ 0.20–0.27 s/bit; we take 230 ms/bit. Intercepts a reported for
// the mouse lie between about 0 and 200 ms; we take 100 ms.
constexpr double fitts_a_ms = 100;
constexpr double fitts_b_ms = 230;
// Aimed movements are made of a large primary sub-movement that usually ends short of the
// target, then corrective sub-movements (Meyer et al. 1988, Psychological Review 95; Woodworth
// 1899). Primary: ~80 % of the movement time covering ~93 % of the distance (corrections are
// brief: most of the time goes to the primary sub-movement); overshoot in ~15 %.
constexpr double primary_time_share = 0.8;
constexpr double undershoot_mean = 0.93, undershoot_sd = 0.03;
constexpr double overshoot_chance = 0.15;
// One pointer sample per display frame: Chromium coalesces mousemove to animation frames.
constexpr double frame_ms = 16;
// Physiological tremor of the hand on a mouse: sub-pixel to ~1 px at typical CD gains.
constexpr double tremor_px = 0.35;

point quad(point a, point c, point b, double t) {
  const double u = 1 - t;
  return {u * u * a.x + 2 * u * t * c.x + t * t * b.x, u * u * a.y + 2 * u * t * c.y + t * t * b.y};
}

/// One sub-movement from `from` to `to` along a slightly bent curve with a minimum-jerk profile;
/// appends samples starting `start_ms` (the last sample is exactly `to`).
void sub_movement(point from, point to, double duration_ms, double start_ms, double bend, rng& r,
                  std::vector<mouse_step>& out) {
  const double dx = to.x - from.x, dy = to.y - from.y, dist = std::hypot(dx, dy);
  const double nx = dist > 0 ? -dy / dist : 0, ny = dist > 0 ? dx / dist : 0;
  const point c{from.x + dx / 2 + nx * bend * dist, from.y + dy / 2 + ny * bend * dist};
  const int n = std::max(2, static_cast<int>(std::lround(duration_ms / frame_ms)));
  for (int i = 1; i <= n; ++i) {
    const double tau = static_cast<double>(i) / n;
    point p = i == n ? to : quad(from, c, to, min_jerk(tau));
    if (i != n) {
      p.x += r.normal(0, tremor_px);
      p.y += r.normal(0, tremor_px);
    }
    out.push_back({p, start_ms + duration_ms * tau});
  }
}

}  // namespace

std::vector<point> linear_steps(point from, point to, int steps) {
  std::vector<point> out;
  steps = std::max(1, steps);
  for (int i = 1; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    out.push_back({from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t});
  }
  return out;
}

double fitts_ms(double distance, double target_width) {
  const double w = std::max(target_width, 1.0);
  return fitts_a_ms + fitts_b_ms * std::log2(distance / w + 1.0);
}

double min_jerk(double tau) {
  tau = std::clamp(tau, 0.0, 1.0);
  const double t3 = tau * tau * tau;
  return t3 * (10 - 15 * tau + 6 * tau * tau);
}

std::vector<mouse_step> mouse_path(point from, point to, double target_width, double pace, rng& r) {
  const double dx = to.x - from.x, dy = to.y - from.y, dist = std::hypot(dx, dy);
  // The RNG is drawn the same way at every pace, so a journey does not depend on --pace.
  const bool over = dist > 150 && r.chance(overshoot_chance);
  const double reach = over ? 1 + r.uniform(0.03, 0.08)
                            : std::clamp(r.normal(undershoot_mean, undershoot_sd), 0.85, 0.99);
  const double lateral = r.normal(0, 0.02) * dist;
  const double duration = fitts_ms(dist, target_width) * r.lognormal(1.0, 0.15);
  const double bend1 = r.uniform(-0.12, 0.12), bend2 = r.uniform(-0.05, 0.05);
  const double dwell = r.lognormal(40, 0.3);
  if (pace <= 0 || dist < 3) return {{to, 0}};  // one move: each event is a round trip
  const double nx = -dy / dist, ny = dx / dist;
  const point aim{from.x + dx * reach + nx * lateral, from.y + dy * reach + ny * lateral};
  std::vector<mouse_step> out;
  const double t1 = duration * primary_time_share;
  sub_movement(from, aim, t1, 0, bend1, r, out);
  // The corrective sub-movement starts after a short dwell near zero velocity.
  const double t2 = std::max(60.0, duration - t1);
  sub_movement(aim, to, t2, t1 + dwell, bend2, r, out);
  for (auto& s : out) s.at_ms *= pace;
  return out;
}

std::vector<mouse_step> idle_jitter(point at, double duration_ms, double pace, rng& r) {
  std::vector<mouse_step> out;
  if (pace <= 0) return out;
  double t = 0;
  for (;;) {
    t += r.uniform(100, 400);
    if (t >= duration_ms) break;
    const point p{at.x + std::clamp(r.normal(0, 0.8), -2.0, 2.0),
                  at.y + std::clamp(r.normal(0, 0.8), -2.0, 2.0)};
    out.push_back({p, t * pace});
  }
  return out;
}

point click_fraction(rng& r) {
  // Click points on a target are roughly normal around its centre, their spread growing with
  // its size (the "effective width" of Crossman 1956 / MacKenzie 1992: We = 4.133·SD covers
  // 96 % of hits); SD = 0.17·size puts ~96 % within ±35 % of the centre. Truncated to the element.
  const auto axis = [&r] {
    for (int i = 0; i < 16; ++i) {
      const double v = r.normal(0.5, 0.17);
      if (v >= 0.05 && v <= 0.95) return v;
    }
    return 0.5;
  };
  const double fx = axis();
  return {fx, axis()};
}

double click_hold_ms(rng& r) {
  // Press→release of a mouse button ≈ 100 ms (the reference; mouse-dynamics studies
  // such as Ahmed & Traore 2007 report click durations of this order). Log-normal, median 95 ms,
  // σ_ln 0.22: 95 % within ≈ 62–146 ms.
  return r.lognormal(95, 0.22);
}

const char* to_string(scroll_device d) { return d == scroll_device::wheel ? "wheel" : "touchpad"; }

namespace {

// A mouse wheel notch scrolls 100 px in Chromium on Windows and Linux (ui/events: kScrollbar
// pixels per tick); notches within a flick come 30–60 ms apart, flicks a few hundred ms apart.
std::vector<wheel_step> wheel_notches(double total, rng& r) {
  std::vector<wheel_step> out;
  const double sign = total < 0 ? -1 : 1;
  int notches = std::max(1, static_cast<int>(std::lround(std::abs(total) / 100)));
  double t = 0;
  while (notches > 0) {
    const int flick = std::min(notches, r.between(1, 4));
    for (int i = 0; i < flick; ++i) {
      if (!out.empty()) t += i == 0 ? r.lognormal(350, 0.35) : r.lognormal(42, 0.25);
      out.push_back({sign * 100, t});
    }
    notches -= flick;
  }
  return out;
}

// A touchpad swipe: frames every ~16 ms whose deltas ramp up over 3–6 frames, then decay by 8 %
// a frame (Chromium's fling curve is exponential); integers, summing exactly to the swipe.
void touchpad_swipe(double px, double sign, double start, rng& r, std::vector<wheel_step>& out) {
  const int ramp = r.between(3, 6);
  const double decay = 0.92;
  std::vector<double> v;
  for (int i = 1; i <= ramp; ++i) v.push_back(static_cast<double>(i) / ramp);
  const double ramp_sum = (ramp + 1) / 2.0, peak = px / (ramp_sum + decay / (1 - decay));
  for (double d = decay; peak * d >= 0.6; d *= decay) v.push_back(d);
  double sum = 0;
  for (double x : v) sum += x;
  double cum = 0, sent = 0, t = start;
  for (double x : v) {
    cum += x / sum * px;
    const double d = std::round(cum) - sent;
    t += r.uniform(14, 19);
    if (d == 0) continue;
    out.push_back({sign * d, t});
    sent += d;
  }
}

std::vector<wheel_step> touchpad_stream(double total, rng& r) {
  std::vector<wheel_step> out;
  const double sign = total < 0 ? -1 : 1;
  double left = std::round(std::abs(total)), t = 0;
  while (left > 0) {
    const double swipe = left > 600 ? std::round(r.uniform(300, 600)) : left;
    touchpad_swipe(swipe, sign, t, r, out);
    t = out.empty() ? 0 : out.back().at_ms + r.lognormal(300, 0.3);
    left -= swipe;
  }
  if (!out.empty()) {
    const double first = out.front().at_ms;
    for (auto& s : out) s.at_ms -= first;
  }
  return out;
}

}  // namespace

std::vector<wheel_step> wheel_steps(double total, scroll_device device, double pace, rng& r) {
  auto out = device == scroll_device::wheel ? wheel_notches(total, r) : touchpad_stream(total, r);
  for (auto& s : out) s.at_ms = paced(s.at_ms, pace);
  return out;
}

}  // namespace footfall::engine
