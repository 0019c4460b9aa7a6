#include "engine/journey/human_dispatch.hpp"

#include <cmath>

#include "cdp/input.hpp"
#include "engine/persona/rng.hpp"

namespace footfall::engine {

input_persona input_persona_for(const std::string& device, const std::string& skill,
                                std::uint64_t session_seed) {
  // Its own stream, so adding the draw does not shift the session's journey.
  rng r(session_seed ^ 0xD1CEC0DEull);
  input_persona p;
  if (device == "touchpad")
    p.device = scroll_device::touchpad;
  else if (device == "mixed")
    p.device = r.chance(0.7) ? scroll_device::wheel : scroll_device::touchpad;
  const double u = r.uniform();
  if (skill == "novice")
    p.skill = typing_skill::novice;
  else if (skill == "expert")
    p.skill = typing_skill::expert;
  else if (skill == "mixed")
    p.skill = u < 0.2   ? typing_skill::novice
              : u < 0.8 ? typing_skill::average
                        : typing_skill::expert;
  return p;
}

std::vector<cdp::timed_key_event> key_events(const std::vector<planned_key>& keys) {
  std::vector<cdp::timed_key_event> out;
  for (const auto& k : keys) {
    if (k.shift_press) out.push_back({k.shift_down_ms, true, "Shift", false});
    if (k.backspace) {
      out.push_back({k.down_ms, true, "Backspace", false});
      out.push_back({k.up_ms, false, "Backspace", false});
    } else if (auto def = k.text.size() == 1 ? cdp::key_for_char(k.text[0]) : std::nullopt) {
      out.push_back({k.down_ms, true, std::string(def->key), false});
      out.push_back({k.up_ms, false, std::string(def->key), false});
    } else {
      out.push_back({k.down_ms, true, k.text, true});
    }
    if (k.shift_release) out.push_back({k.shift_up_ms, false, "Shift", false});
  }
  return out;
}

boost::asio::awaitable<void> play_path(cdp::page p, std::vector<mouse_step> path) {
  std::vector<cdp::timed_point> pts;
  pts.reserve(path.size());
  for (const auto& s : path) pts.push_back({{s.at.x, s.at.y}, s.at_ms});
  co_await cdp::mouse_move_timed(p, std::move(pts));
}

boost::asio::awaitable<void> play_wheel(cdp::page p, std::vector<wheel_step> steps,
                                        bool horizontal) {
  const auto start = std::chrono::steady_clock::now();
  for (const auto& s : steps) {
    const auto at = start + std::chrono::microseconds(static_cast<long long>(s.at_ms * 1000));
    const auto now = std::chrono::steady_clock::now();
    if (at > now)
      co_await cdp::sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(at - now));
    co_await cdp::wheel(p, horizontal ? s.delta_y : 0, horizontal ? 0 : s.delta_y);
  }
}

nlohmann::json typing_timing_json(const std::vector<planned_key>& keys) {
  const auto t = timing_of(keys);
  return {{"holds", t.holds}, {"gaps", t.gaps}};
}

nlohmann::json click_timing_json(double hold_ms, point fraction,
                                 const std::vector<mouse_step>& path, point from) {
  auto j = pointer_timing_json(fraction, path, from);
  j["hold"] = std::lround(hold_ms);
  return j;
}

nlohmann::json pointer_timing_json(point fraction, const std::vector<mouse_step>& path,
                                   point from) {
  double len = 0;
  point prev = from;
  for (const auto& s : path) {
    len += std::hypot(s.at.x - prev.x, s.at.y - prev.y);
    prev = s.at;
  }
  const double straight = std::hypot(prev.x - from.x, prev.y - from.y);
  nlohmann::json path_j = {{"points", path.size()}};
  if (straight >= 1) path_j["ratio"] = std::round(len / straight * 1000) / 1000;
  return {{"fx", std::round(fraction.x * 1000) / 1000},
          {"fy", std::round(fraction.y * 1000) / 1000},
          {"path", path_j}};
}

}  // namespace footfall::engine
