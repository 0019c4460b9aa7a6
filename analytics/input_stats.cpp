#include "analytics/input_stats.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace footfall::analytics {
namespace {

using storage::action_type;
using json = nlohmann::json;

void append_numbers(const json& j, const char* key, std::vector<double>& out) {
  if (!j.contains(key) || !j[key].is_array()) return;
  for (const auto& v : j[key])
    if (v.is_number()) out.push_back(std::abs(v.get<double>()));
}

void add_click(const json& j, input_stats& s) {
  if (j.contains("hold") && j["hold"].is_number())
    s.click_holds_ms.push_back(j["hold"].get<double>());
  if (j.contains("fx") && j.contains("fy") && j["fx"].is_number() && j["fy"].is_number())
    s.click_offsets.push_back(
        std::max(std::abs(j["fx"].get<double>() - 0.5), std::abs(j["fy"].get<double>() - 0.5)));
  if (!j.contains("path") || !j["path"].is_object()) return;
  const auto& p = j["path"];
  if (p.contains("points") && p["points"].is_number())
    s.path_points.push_back(p["points"].get<int>());
  if (p.contains("ratio") && p["ratio"].is_number())
    s.path_ratios.push_back(p["ratio"].get<double>());
}

}  // namespace

input_stats collect_input_stats(const std::vector<storage::action_sample>& actions) {
  input_stats s;
  for (const auto& a : actions) {
    if (a.type == action_type::scroll_to_element) ++s.scrolls_into_view;
    if (!a.input_timing) {
      // A target brought into view with no wheel input behind it: an instant jump.
      if (a.type == action_type::scroll_to_element) ++s.scrolls_without_input;
      continue;
    }
    const json j = json::parse(*a.input_timing, nullptr, false);
    if (!j.is_object()) continue;
    switch (a.type) {
      case action_type::type:
        append_numbers(j, "holds", s.key_holds_ms);
        append_numbers(j, "gaps", s.key_gaps_ms);
        break;
      case action_type::key_press:
        append_numbers(j, "holds", s.key_holds_ms);
        break;
      case action_type::click:
      case action_type::double_click:
      case action_type::right_click:
        add_click(j, s);
        break;
      case action_type::scroll:
        append_numbers(j, "deltas", s.wheel_deltas);
        break;
      case action_type::scroll_to_element:
        append_numbers(j, "deltas", s.wheel_deltas);
        if (!j.contains("deltas") || j["deltas"].empty()) ++s.scrolls_without_input;
        break;
      default:
        break;
    }
  }
  return s;
}

std::optional<double> fraction_below(const std::vector<double>& v, double limit) {
  if (v.empty()) return std::nullopt;
  const auto n = std::count_if(v.begin(), v.end(), [&](double x) { return x < limit; });
  return static_cast<double>(n) / static_cast<double>(v.size());
}

}  // namespace footfall::analytics
