#pragma once
/// Sends the human models' plans (human_input.hpp, typing_model.hpp) as real input at their
/// planned times, and picks a session's input device and typing skill. The session actions call
/// these; the pace-0 fast path (pipeline.hpp) does not come here.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cdp/input_model.hpp"
#include "cdp/page.hpp"
#include "engine/persona/human_input.hpp"
#include "engine/persona/typing_model.hpp"

namespace footfall::engine {

/// The input hardware and skill of one visitor.
struct input_persona {
  scroll_device device = scroll_device::wheel;
  typing_skill skill = typing_skill::average;
};

/// The session's device and skill from the campaign settings ("wheel" | "touchpad" | "mixed",
/// "novice" | "average" | "expert" | "mixed"); "mixed" draws from the session's seed (70 % wheel;
/// 20/60/20 % novice/average/expert) without touching the session's action RNG.
input_persona input_persona_for(const std::string& device, const std::string& skill,
                                std::uint64_t session_seed);

/// The key events of a plan: Shift presses/releases, each key's keyDown and keyUp at its own
/// time; characters no US key types are inserted (Input.insertText) at their press time.
std::vector<cdp::timed_key_event> key_events(const std::vector<planned_key>& keys);

/// Moves the pointer along a planned path at its planned times.
boost::asio::awaitable<void> play_path(cdp::page p, std::vector<mouse_step> path);

/// Sends planned wheel steps at their times at the pointer's position.
boost::asio::awaitable<void> play_wheel(cdp::page p, std::vector<wheel_step> steps,
                                        bool horizontal = false);

/// actions.input_timing of a typing burst: {"holds":[ms...],"gaps":[ms...]}.
nlohmann::json typing_timing_json(const std::vector<planned_key>& keys);

/// actions.input_timing of a pointer movement onto an element (a hover):
/// {"fx":f,"fy":f,"path":{"points":n,"ratio":r}}.
nlohmann::json pointer_timing_json(point fraction, const std::vector<mouse_step>& path, point from);

/// actions.input_timing of a click: {"hold":ms,"fx":f,"fy":f,"path":{"points":n,"ratio":r}}
/// (fx/fy: where in the element, as fractions; ratio: path length / straight distance).
nlohmann::json click_timing_json(double hold_ms, point fraction,
                                 const std::vector<mouse_step>& path, point from);

}  // namespace footfall::engine
