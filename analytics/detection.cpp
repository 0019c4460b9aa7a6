#include "analytics/detection.hpp"

#include <algorithm>

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
  add("unprepared_clicks", unprepared_click_fraction(actions), 0.50);
  add("regular_timing",
      rhythm_score ? std::optional<double>(1.0 - *rhythm_score) : std::nullopt, 0.60);
  add("superhuman_typing", superhuman_typing_fraction(actions), 0.60);
  double pass = 1.0;
  for (const auto& s : r.signals) pass *= 1.0 - s.weight * s.strength;
  r.score = std::clamp(1.0 - pass, 0.0, 1.0);
  return r;
}

nlohmann::json detection_risk::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& s : signals) j[s.name] = {{"strength", s.strength}, {"weight", s.weight}};
  return j;
}

}  // namespace footfall::analytics
