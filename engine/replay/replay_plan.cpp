#include "engine/replay/replay_plan.hpp"

#include <algorithm>

#include "engine/persona/links.hpp"

namespace footfall::engine {

using std::chrono::milliseconds;

std::string rewrite_origin(std::string_view url, const std::string& from, const std::string& to) {
  const auto u = parse_url(url);
  if (!u || u->origin() != from || from == to) return std::string(url);
  // The path, query and fragment start at the first '/' after "scheme://".
  const auto scheme_end = url.find("://");
  const auto rest = url.find_first_of("/?#", scheme_end + 3);
  return to + (rest == std::string_view::npos ? std::string("/") : std::string(url.substr(rest)));
}

std::vector<replay_step> plan_replay(const storage::recording& r, const std::string& from_origin,
                                     const std::string& to_origin, int* skipped_visits) {
  std::vector<const storage::page_record*> journey;
  int skipped = 0;
  for (const auto& p : r.pages) {
    if (p.visit.navigation_kind == std::string("new_target"))
      ++skipped;
    else
      journey.push_back(&p);
  }
  if (skipped_visits) *skipped_visits = skipped;
  std::vector<replay_step> out;
  std::optional<storage::time_point> previous;
  for (std::size_t v = 0; v < journey.size(); ++v) {
    const auto& page = *journey[v];
    const auto url = rewrite_origin(page.visit.url, from_origin, to_origin);
    for (const auto& a : page.actions) {
      replay_step s;
      s.number = static_cast<int>(out.size()) + 1;
      s.visit_order = page.visit.visit_order;
      s.page_url = url;
      s.action = a;
      s.recorded_console_errors = page.visit.console_errors;
      const auto nav = a.navigation_kind.value_or("");
      if (v + 1 < journey.size() && (nav == "cross_document" || nav == "same_document"))
        s.next_url = rewrite_origin(journey[v + 1]->visit.url, from_origin, to_origin);
      if (previous)
        s.gap = std::max(milliseconds(0),
                         std::chrono::duration_cast<milliseconds>(a.timestamp - *previous));
      previous = a.timestamp;
      out.push_back(std::move(s));
    }
  }
  return out;
}

bool recorded_in_bursts(const storage::recording& r) {
  int evidence = 0;
  for (const auto& p : r.pages)
    for (const auto& a : p.actions) {
      if (!a.input_timing) continue;
      const auto j = nlohmann::json::parse(*a.input_timing, nullptr, false);
      if (!j.is_object()) continue;
      if (a.type == storage::action_type::scroll && j.contains("device")) {
        if (j["device"] != "none") return false;
        ++evidence;
      }
      if (a.type == storage::action_type::click && j.contains("hold") && j["hold"].is_number()) {
        if (j["hold"].get<double>() > 0) return false;
        ++evidence;
      }
    }
  return evidence > 0;
}

milliseconds replay_wait(milliseconds recorded_gap, double speed, milliseconds spent) {
  if (speed <= 0) return milliseconds(0);
  const auto scaled = milliseconds(static_cast<long>(recorded_gap.count() / speed));
  return std::max(milliseconds(0), scaled - spent);
}

bool point_in_box(cdp::point p, const replay_box& b, double tolerance) {
  return p.x >= b.left - tolerance && p.x <= b.left + b.width + tolerance &&
         p.y >= b.top - tolerance && p.y <= b.top + b.height + tolerance;
}

cdp::point clamp_into(cdp::point p, const replay_box& b) {
  const auto inside = [](double v, double lo, double len) {
    return len <= 2 ? lo + len / 2 : std::clamp(v, lo + 1, lo + len - 1);
  };
  return {inside(p.x, b.left, b.width), inside(p.y, b.top, b.height)};
}

std::string_view to_string(divergence_kind k) {
  switch (k) {
    case divergence_kind::element_missing:
      return "element_missing";
    case divergence_kind::different_element:
      return "different_element";
    case divergence_kind::different_url:
      return "different_url";
    case divergence_kind::console_error:
      return "console_error";
  }
  return "unknown";
}

}  // namespace footfall::engine
