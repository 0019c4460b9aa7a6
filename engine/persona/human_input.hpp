#pragma once
/// Human-like pointer, click and scroll input as data, calibrated to published measurements (the
/// reference sits next to each constant in human_input.cpp). Pure and seeded; the session
/// actions turn these plans into CDP input events. Typing lives in typing_model.hpp.
#include <string>
#include <vector>

#include "engine/persona/rng.hpp"

namespace footfall::engine {

/// A point in viewport CSS pixels.
struct point {
  double x = 0;
  double y = 0;
};

/// One pointer sample: where, and when (ms from the start of the movement, already paced).
struct mouse_step {
  point at;
  double at_ms = 0;
};

/// Evenly spaced points from `from` to `to`, excluding `from` and including `to` (Puppeteer's
/// Mouse.move tween).
std::vector<point> linear_steps(point from, point to, int steps);

/// Fitts's law movement time in ms, Shannon form MT = a + b·log2(D/W + 1) with a = 100 ms and
/// b = 230 ms/bit (mouse; see human_input.cpp).
double fitts_ms(double distance, double target_width);

/// Minimum-jerk position profile (Flash & Hogan 1985): s(τ) = 10τ³ − 15τ⁴ + 6τ⁵, τ in [0, 1].
double min_jerk(double tau);

/// A human path from `from` to `to` for a target `target_width` wide: a primary sub-movement with
/// a minimum-jerk velocity profile that lands short of (or, sometimes, past) the target, then
/// one or two corrective sub-movements; slight curvature and tremor; total time by Fitts's law.
/// Samples every ~16 ms (one per frame, as a mouse reports at 60 Hz+). At pace 0 the shortest
/// honest path: one move, no delays. The last step is exactly `to`.
std::vector<mouse_step> mouse_path(point from, point to, double target_width, double pace, rng& r);

/// Small drifts of a resting hand on the mouse over `duration_ms` (paced): a sample every
/// 100–400 ms, moving 0–2 px. Empty at pace 0.
std::vector<mouse_step> idle_jitter(point at, double duration_ms, double pace, rng& r);

/// Where in an element to click, as fractions of its width and height: each axis drawn from a
/// normal N(0.5, 0.17) truncated to [0.05, 0.95] — centre-biased, never on the border.
point click_fraction(rng& r);

/// Press-to-release time of a mouse click in ms (unpaced): log-normal, median 95 ms.
double click_hold_ms(rng& r);

/// The input device a visitor scrolls with.
enum class scroll_device { wheel, touchpad };
/// "wheel", "touchpad".
const char* to_string(scroll_device d);

/// One wheel event: the delta and the time it is sent (ms from the gesture's start, paced).
struct wheel_step {
  double delta_y = 0;
  double at_ms = 0;
};

/// The wheel events of one scroll gesture of about `total` pixels (sign gives direction).
/// wheel: notches of exactly 100 px in flicks of 1–4 notches (30–60 ms apart), flicks 200–600 ms
///        apart; the total is rounded to whole notches (at least one).
/// touchpad: a stream of small integer deltas every 16 ms — a swipe that ramps up, then
///        momentum decaying geometrically — summing exactly to round(total).
std::vector<wheel_step> wheel_steps(double total, scroll_device device, double pace, rng& r);

}  // namespace footfall::engine
