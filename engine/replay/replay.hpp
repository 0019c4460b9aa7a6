#pragma once
/// `footfall replay`: performs a recorded session again in one browser context with the same
/// viewport, user agent and device identity (engine/persona/identity.hpp derives platform, client hints
/// and screen from those two, so nothing more needs storing), with real input through the
/// shared actions (engine/journey/actions.hpp) and the recorded gaps between actions scaled by speed.
/// Each step is checked: the element the recorded selector names now must exist, contain the
/// recorded point (within a tolerance) and carry the recorded text; a click must lead where the
/// recorded one led; the page must not log more console errors than the recording did. The first
/// divergence is photographed (PNG).
#include <boost/asio/awaitable.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cdp/browser.hpp"
#include "engine/replay/replay_plan.hpp"
#include "storage/replay_queries.hpp"

namespace footfall::engine {

/// How to replay.
struct replay_options {
  double speed = 1.0;           ///< recorded gaps and input timing divided by this
  int slow_mo_ms = 0;           ///< added to every pause (watching)
  bool cursor_overlay = false;  ///< draw the pointer in the page (engine/replay/replay_overlay.hpp)
  std::string target_origin;    ///< replay against this origin; empty: the recorded one
  std::filesystem::path screenshot_dir = ".";  ///< where the first divergence's PNG goes
  double tolerance_px = 3;  ///< how far outside the element's box a recorded point may be
  std::chrono::milliseconds navigation_timeout{15000};
};

/// What one step found.
struct step_result {
  int number = 0;
  int visit_order = 0;
  std::string action;    ///< the action type
  std::string selector;  ///< the recorded selector ("" for none)
  bool matched = true;
  std::optional<divergence_kind> kind;  ///< set when not matched
  std::string detail;                   ///< what differed, or a note (a placeholder was typed)
  bool placeholder = false;  ///< the recorded value was redacted; a placeholder was typed
};

/// The whole replay.
struct replay_result {
  std::vector<step_result> steps;
  int total_steps = 0;                    ///< steps planned (a URL divergence stops early)
  std::optional<int> first_divergence;    ///< index into steps
  std::optional<std::string> screenshot;  ///< PNG of the page at the first divergence
  int skipped_visits = 0;                 ///< popup / new-tab visits (not replayed)
  std::chrono::milliseconds recorded{0};  ///< first to last recorded step start
  std::chrono::milliseconds replayed{0};  ///< first to last replayed step start
  bool reproduced() const { return !first_divergence; }
};

/// Hooks for the CLI (printing, --step) and tests. Each may be empty.
struct replay_hooks {
  /// Before each step that sends input; the replay waits for it (--step: Enter on stdin).
  std::function<boost::asio::awaitable<void>(replay_step)> before_step;
  /// After each step, with the live page (tests read the page here).
  std::function<boost::asio::awaitable<void>(cdp::page, step_result)> after_step;
  /// Just before the context closes.
  std::function<boost::asio::awaitable<void>(cdp::page)> before_close;
};

/// Replays `rec` in a new context of `b`. Throws only for runtime failures (browser gone,
/// CDP errors outside a step's checks); divergences are results.
boost::asio::awaitable<replay_result> replay_session(std::shared_ptr<cdp::browser> b,
                                                     storage::recording rec, replay_options o,
                                                     replay_hooks hooks);

}  // namespace footfall::engine
