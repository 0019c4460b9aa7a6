#pragma once
/// What every action gets: the page, its agent, the visit recorder, the RNG, the pace. Its own
/// header so that the click outcome (which needs the context) and the actions (which settle
/// clicks) do not include each other.
#include <atomic>
#include <chrono>
#include <cstdint>

#include "cdp/page.hpp"
#include "engine/journey/human_dispatch.hpp"
#include "engine/journey/popups.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/page/page_agent.hpp"
#include "engine/persona/rng.hpp"

namespace footfall::engine {

/// What an action needs, and nothing more. Cheap to copy; the pointees outlive the actions.
struct action_context {
  cdp::page page;
  page_agent* agent = nullptr;
  visit_recorder* recorder = nullptr;
  rng* r = nullptr;
  double pace = 1.0;   ///< 0: no human delays; input goes out in bursts
  int slow_mo_ms = 0;  ///< added to every pause (watching a journey)
  popup_keeper* popups = nullptr;  ///< records the page's popups; none: they are closed
  std::chrono::milliseconds navigation_timeout{15000};  ///< a started navigation's load budget
  input_persona who{};  ///< scroll device and typing skill (engine/journey/human_dispatch.hpp)
  std::uint64_t jitter_seed = 0;  ///< idle jitter's own stream: the journey RNG is pace-independent
  /// The session's hard deadline: pauses end there (the watchdog cancels the page's CDP calls).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// Set when the run stops its sessions (drain budget spent): pauses end within a second.
  const std::atomic<bool>* abort = nullptr;
  bool fast() const { return pace <= 0 && slow_mo_ms == 0; }
};

}  // namespace footfall::engine
