#pragma once
/// Human-like input as data: mouse paths (cubic Bézier with jitter, Fitts's-law timing, occasional
/// overshoot and correction), uneven wheel steps with pauses, and keystrokes with log-normal gaps
/// and rare typo + Backspace. Pure; the session runner turns these into CDP input events.
#include <string>
#include <vector>

#include "engine/rng.hpp"

namespace footfall::engine {

/// A point in viewport CSS pixels.
struct point {
  double x = 0;
  double y = 0;
};

/// One mouse move: where, and how long after the previous move (ms, already paced).
struct mouse_step {
  point at;
  double delay_ms = 0;
};

/// Evenly spaced points from `from` to `to`, excluding `from` and including `to` (Puppeteer's
/// Mouse.move tween).
std::vector<point> linear_steps(point from, point to, int steps);

/// Fitts's law movement time in ms (Shannon form, a = 50 ms, b = 150 ms/bit).
double fitts_ms(double distance, double target_width);

/// A human path from `from` to `to` for a target `target_width` wide. At pace 0 it is the
/// shortest honest path (a few points, no delays); at pace 1 it is curved, jittered, timed by
/// Fitts's law, and sometimes overshoots and corrects. The last step is exactly `to`.
std::vector<mouse_step> mouse_path(point from, point to, double target_width, double pace, rng& r);

/// One wheel notch: the scroll delta and the pause before it (ms, paced).
struct wheel_step {
  double delta_y = 0;
  double delay_ms = 0;
};

/// Uneven wheel steps that add up to `total` pixels (sign gives direction), with short pauses and
/// an occasional longer one, as a reader's wheel does.
std::vector<wheel_step> wheel_steps(double total, double pace, rng& r);

/// One key to press: a printable character or Backspace, and the pause before it (ms, paced).
struct keystroke {
  std::string text;  ///< the character (UTF-8); empty for Backspace
  bool backspace = false;
  double delay_ms = 0;
};

/// Keystrokes that type `text`: log-normal gaps (median ~110 ms at pace 1) and, for letters, a
/// rare neighbouring-key typo followed by Backspace and the right key. The net effect of the
/// strokes is always exactly `text`.
std::vector<keystroke> typing_plan(const std::string& text, double pace, rng& r);

/// Applies a typing plan to a string as a text field would (for tests and for recording).
std::string apply_keystrokes(const std::vector<keystroke>& ks);

}  // namespace footfall::engine
