#pragma once
/// The pure half of `footfall replay`: a recorded session (storage/replay_queries.hpp) becomes an
/// ordered list of steps, recorded URLs move to another origin (--target-url), recorded gaps are
/// scaled by --speed, and a recorded point is checked against the box of the element found now.
/// No browser and no database here; engine/replay/replay.cpp performs the steps.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/input_model.hpp"
#include "storage/replay_queries.hpp"

namespace footfall::engine {

/// One recorded action to perform again, with its place in the session.
struct replay_step {
  int number = 0;        ///< 1-based over the whole session (what "diverged at step N" names)
  int visit_order = 0;   ///< the page visit it belongs to
  std::string page_url;  ///< that visit's URL, on the replay's origin
  storage::action_row action;
  /// When the action recorded a navigation to the next visit of the journey: that visit's URL
  /// on the replay's origin (cross_document or same_document clicks).
  std::optional<std::string> next_url;
  /// Recorded time from the previous step's start to this one's (0 for the first).
  std::chrono::milliseconds gap{0};
  int recorded_console_errors = 0;  ///< the visit's console errors as recorded (when it ended)
};

/// The steps of a session: its journey's visits in visit_order with their actions in
/// action_order. Visits opened in a popup or new tab (navigation_kind new_target) are left out:
/// replay stays in the session's tab. `skipped_visits` counts them when not null.
std::vector<replay_step> plan_replay(const storage::recording& r, const std::string& from_origin,
                                     const std::string& to_origin, int* skipped_visits = nullptr);

/// True when the session was recorded at pace 0 (input in bursts, no human paths): its scrolls'
/// input_timing name no device and its clicks held the button 0 ms. Replay then sends the same
/// bursts — a human path would add wheel notches and pointer samples the recording never had.
bool recorded_in_bursts(const storage::recording& r);

/// `url` with its origin replaced when it is `from` (scheme://host[:port]); other URLs as they
/// are. Origins compare as url_parts::origin() spells them.
std::string rewrite_origin(std::string_view url, const std::string& from, const std::string& to);

/// How long to wait before a step: its recorded gap scaled by 1/speed, less what the previous
/// step already took. Never negative.
std::chrono::milliseconds replay_wait(std::chrono::milliseconds recorded_gap, double speed,
                                      std::chrono::milliseconds spent);

/// An element's box now, in viewport CSS px.
struct replay_box {
  double left = 0, top = 0, width = 0, height = 0;
};
/// True when `p` lies in `b` grown by `tolerance` px on each side (recorded coordinates are
/// truncated to integers, and sub-pixel layout differs by a pixel between runs).
bool point_in_box(cdp::point p, const replay_box& b, double tolerance);
/// `p` moved into `b` (shrunk by one pixel) when it lies outside: where to press instead.
cdp::point clamp_into(cdp::point p, const replay_box& b);

/// What kind of difference a step found.
enum class divergence_kind { element_missing, different_element, different_url, console_error };
/// "element_missing", "different_element", "different_url", "console_error".
std::string_view to_string(divergence_kind k);

/// The text a replay types into a field whose value the database holds redacted.
inline constexpr std::string_view replay_placeholder = "footfall-replay-placeholder";

}  // namespace footfall::engine
