#include "engine/human_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "engine/behaviour.hpp"

namespace footfall::engine {
namespace {

point lerp(point a, point b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

point bezier(point p0, point p1, point p2, point p3, double t) {
  const double u = 1 - t;
  const double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
  return {a * p0.x + b * p1.x + c * p2.x + d * p3.x, a * p0.y + b * p1.y + c * p2.y + d * p3.y};
}

/// Eased progress: people accelerate, then slow down as they home in on a target.
double ease(double t) { return t < 0.5 ? 2 * t * t : 1 - std::pow(-2 * t + 2, 2) / 2; }

/// One curved segment appended to `out`; returns nothing, the last point is exactly `to`.
void curve(point from, point to, int steps, double total_ms, bool jitter, rng& r,
           std::vector<mouse_step>& out) {
  const double dx = to.x - from.x, dy = to.y - from.y;
  const double dist = std::hypot(dx, dy);
  // Control points sit off the straight line, on a random side, by up to a third of the distance.
  const double nx = dist > 0 ? -dy / dist : 0, ny = dist > 0 ? dx / dist : 0;
  const double bend1 = r.uniform(-0.3, 0.3) * dist, bend2 = r.uniform(-0.3, 0.3) * dist;
  const point c1{from.x + dx * 0.3 + nx * bend1, from.y + dy * 0.3 + ny * bend1};
  const point c2{from.x + dx * 0.7 + nx * bend2, from.y + dy * 0.7 + ny * bend2};
  for (int i = 1; i <= steps; ++i) {
    const double t = ease(static_cast<double>(i) / steps);
    point p = i == steps ? to : bezier(from, c1, c2, to, t);
    if (jitter && i != steps) {
      p.x += r.normal(0, 0.6);
      p.y += r.normal(0, 0.6);
    }
    out.push_back({p, total_ms / steps});
  }
}

}  // namespace

std::vector<point> linear_steps(point from, point to, int steps) {
  std::vector<point> out;
  steps = std::max(1, steps);
  for (int i = 1; i <= steps; ++i) out.push_back(lerp(from, to, static_cast<double>(i) / steps));
  return out;
}

double fitts_ms(double distance, double target_width) {
  const double w = std::max(target_width, 1.0);
  return 50.0 + 150.0 * std::log2(distance / w + 1.0);
}

std::vector<mouse_step> mouse_path(point from, point to, double target_width, double pace, rng& r) {
  std::vector<mouse_step> out;
  const double dist = std::hypot(to.x - from.x, to.y - from.y);
  // The RNG is drawn the same way at every pace, so a journey does not depend on --pace.
  const bool overshoot = r.chance(0.15) && dist > 150;
  const double over = r.uniform(0.03, 0.08);
  const double duration = fitts_ms(dist, target_width) * r.uniform(0.85, 1.2);
  if (pace <= 0) {
    // As fast as possible: one move, since each event is a round trip into the renderer.
    curve(from, to, 1, 0, false, r, out);
    for (auto& s : out) s.delay_ms = 0;
    return out;
  }
  const int steps = std::clamp(static_cast<int>(duration / 16.0), 3, 40);
  if (overshoot) {
    const point past{to.x + (to.x - from.x) * over, to.y + (to.y - from.y) * over};
    curve(from, past, steps, duration * pace, true, r, out);
    out.push_back({past, r.lognormal(90, 0.3) * pace});  // the brief stop before correcting
    curve(past, to, 4, fitts_ms(dist * over, target_width) * pace, true, r, out);
  } else {
    curve(from, to, steps, duration * pace, true, r, out);
  }
  return out;
}

std::vector<wheel_step> wheel_steps(double total, double pace, rng& r) {
  std::vector<wheel_step> out;
  const double sign = total < 0 ? -1 : 1;
  double left = std::abs(total);
  while (left > 0.5) {
    // Notches of about 100 px with spread; the last takes whatever is left.
    double d = std::clamp(r.normal(100, 30), 40.0, 180.0);
    if (d > left || left - d < 20) d = left;
    const double pause = r.chance(0.1) ? r.uniform(300, 900) : r.lognormal(45, 0.4);
    const double step = std::max(1.0, std::round(d));
    out.push_back({sign * step, out.empty() ? 0 : paced(pause, pace)});
    left -= step;
  }
  return out;
}

namespace {
/// A neighbour of a letter on a QWERTY keyboard, for plausible typos.
char neighbour(char c, rng& r) {
  static const char* rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  const bool upper = std::isupper(static_cast<unsigned char>(c));
  const char lc = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* row : rows) {
    const std::string s(row);
    const auto i = s.find(lc);
    if (i == std::string::npos) continue;
    const std::size_t j = i == 0 ? 1 : i + 1 >= s.size() ? i - 1 : (r.chance(0.5) ? i - 1 : i + 1);
    return upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(s[j]))) : s[j];
  }
  return c;
}
}  // namespace

std::vector<keystroke> typing_plan(const std::string& text, double pace, rng& r) {
  std::vector<keystroke> out;
  for (std::size_t i = 0; i < text.size();) {
    // One UTF-8 code point at a time, so a multi-byte character is one key.
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::string ch = text.substr(i, len);
    const bool typo = r.chance(0.02) && len == 1 && std::isalpha(lead);
    const double gap = std::min(r.lognormal(110, 0.45), 1500.0);
    if (typo) {
      out.push_back({std::string(1, neighbour(text[i], r)), false, paced(gap, pace)});
      out.push_back({"", true, paced(r.lognormal(250, 0.3), pace)});  // noticing takes a moment
      out.push_back({ch, false, paced(r.lognormal(110, 0.45), pace)});
    } else {
      out.push_back({ch, false, paced(gap, pace)});
    }
    i += len;
  }
  return out;
}

std::string apply_keystrokes(const std::vector<keystroke>& ks) {
  std::string s;
  for (const auto& k : ks) {
    if (!k.backspace) {
      s += k.text;
      continue;
    }
    // Remove one whole UTF-8 code point.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty()) s.pop_back();
  }
  return s;
}

}  // namespace footfall::engine
