#include "analytics/detection.hpp"

#include <algorithm>
#include <cmath>

#include "analytics/input_stats.hpp"
#include "analytics/stats.hpp"
#include "analytics/timing.hpp"

namespace footfall::analytics {
namespace {

using storage::action_sample;
using storage::action_type;

bool is_click(action_type t) {
  return t == action_type::click || t == action_type::double_click ||
         t == action_type::right_click || t == action_type::drag_and_drop;
}

bool moves_pointer(action_type t) {
  return t == action_type::hover || t == action_type::scroll_to_element;
}

}  // namespace

bool headless_user_agent(std::string_view ua) {
  return ua.find("HeadlessChrome") != std::string_view::npos ||
         ua.find("Headless") != std::string_view::npos;
}

std::optional<double> unprepared_click_fraction(const std::vector<action_sample>& a) {
  int clicks = 0, unprepared = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!is_click(a[i].type)) continue;
    ++clicks;
    const bool hovered_before = i > 0 && a[i - 1].visit_index == a[i].visit_index &&
                                moves_pointer(a[i - 1].type);
    if (!hovered_before && a[i].duration_ms < click_travel_min_ms) ++unprepared;
  }
  if (clicks == 0) return std::nullopt;
  return static_cast<double>(unprepared) / clicks;
}

std::optional<double> superhuman_typing_fraction(const std::vector<action_sample>& a) {
  int typed = 0, superhuman = 0;
  for (const auto& x : a) {
    if (x.type != action_type::type) continue;
    ++typed;
    if (x.duration_ms <= 0) {
      if (x.input_chars >= 2) ++superhuman;
      continue;
    }
    if (x.input_chars / (x.duration_ms / 1000.0) > superhuman_chars_per_s) ++superhuman;
  }
  if (typed == 0) return std::nullopt;
  return static_cast<double>(superhuman) / typed;
}

std::optional<double> machine_speed(const std::vector<action_sample>& a) {
  const auto iv = action_intervals_ms(a);
  const auto m = quantile(iv, 0.5);
  if (!m) return std::nullopt;
  return std::clamp((human_action_interval_ms - *m) /
                        (human_action_interval_ms - robotic_action_interval_ms),
                    0.0, 1.0);
}

namespace {

std::optional<double> some(std::optional<double> v) { return v; }

/// Wheel deltas no device produces: not a whole number of 100 px notches, and larger than a
/// touchpad's small per-frame deltas.
std::optional<double> deviceless_deltas(const std::vector<double>& d) {
  if (d.empty()) return std::nullopt;
  const auto odd = std::count_if(d.begin(), d.end(), [](double x) {
    const bool notch = std::abs(x / 100 - std::round(x / 100)) < 0.005 && x >= 99.5;
    return !notch && x > 50;
  });
  return static_cast<double>(odd) / static_cast<double>(d.size());
}

std::optional<double> straight_paths(const input_stats& s) {
  if (s.path_points.empty()) return std::nullopt;
  int straight = 0;
  for (std::size_t i = 0; i < s.path_points.size(); ++i)
    if (s.path_points[i] <= 2) ++straight;
  for (double r : s.path_ratios)
    if (r < 1.001) ++straight;
  return std::min(1.0, static_cast<double>(straight) / static_cast<double>(s.path_points.size()));
}

double noisy_or(const std::vector<risk_signal>& v, std::size_t from, std::size_t to) {
  double pass = 1.0;
  for (std::size_t i = from; i < to; ++i) pass *= 1.0 - v[i].weight * v[i].strength;
  return std::clamp(1.0 - pass, 0.0, 1.0);
}

}  // namespace

detection_risk detection_risk_score(const storage::session_signals& signals,
                                    const std::vector<action_sample>& actions,
                                    std::optional<double> rhythm_score) {
  detection_risk r;
  auto add = [&](const char* name, std::optional<double> strength, double weight) {
    if (strength) r.signals.push_back({name, std::clamp(*strength, 0.0, 1.0), weight});
  };
  add("navigator_webdriver",
      signals.webdriver ? std::optional<double>(*signals.webdriver ? 1.0 : 0.0) : std::nullopt,
      0.90);
  add("headless_user_agent", headless_user_agent(signals.user_agent) ? 1.0 : 0.0, 0.80);
  add("headless_embedder", signals.embedder_tells, 0.60);
  const std::size_t environment_end = r.signals.size();
  const auto in = collect_input_stats(actions);
  add("unprepared_clicks", unprepared_click_fraction(actions), 0.50);
  add("regular_timing",
      rhythm_score ? std::optional<double>(1.0 - *rhythm_score) : std::nullopt, 0.60);
  add("superhuman_typing", superhuman_typing_fraction(actions), 0.60);
  add("machine_speed", machine_speed(actions), 0.60);
  add("short_key_holds", fraction_below(in.key_holds_ms, min_human_key_hold_ms), 0.70);
  add("instant_key_gaps", fraction_below(in.key_gaps_ms, min_human_key_gap_ms), 0.60);
  add("short_click_holds", fraction_below(in.click_holds_ms, min_human_click_hold_ms), 0.60);
  add("straight_pointer_paths", straight_paths(in), 0.40);
  add("dead_centre_clicks", fraction_below(in.click_offsets, 0.01), 0.30);
  add("scrolls_without_input",
      in.scrolls_into_view ? some(static_cast<double>(in.scrolls_without_input) /
                                  in.scrolls_into_view)
                           : std::nullopt,
      0.50);
  add("deviceless_wheel_deltas", deviceless_deltas(in.wheel_deltas), 0.40);
  r.environment = noisy_or(r.signals, 0, environment_end);
  r.behaviour = noisy_or(r.signals, environment_end, r.signals.size());
  r.score = std::clamp(1.0 - (1.0 - r.environment) * (1.0 - r.behaviour), 0.0, 1.0);
  return r;
}

nlohmann::json detection_risk::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& s : signals) j[s.name] = {{"strength", s.strength}, {"weight", s.weight}};
  return j;
}

}  // namespace footfall::analytics
