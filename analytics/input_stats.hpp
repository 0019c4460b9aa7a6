#pragma once
/// What a session's recorded per-input timing (actions.input_timing, migration 0040) says, pooled
/// over the session: key holds and press-to-press gaps, click holds, where clicks landed in their
/// elements, pointer path shapes, wheel deltas and how targets were scrolled into view. Pure; the
/// behaviour risk and rhythm_score read it.
#include <optional>
#include <string>
#include <vector>

#include "storage/analytics_rows.hpp"

namespace footfall::analytics {

/// Pooled per-input facts of one session. Empty vectors: nothing of that kind was recorded.
struct input_stats {
  std::vector<double> key_holds_ms;    ///< keydown→keyup of every key typed
  std::vector<double> key_gaps_ms;     ///< keydown→next keydown within a typing burst
  std::vector<double> click_holds_ms;  ///< mousedown→mouseup of every click
  std::vector<double> click_offsets;  ///< max(|fx − 0.5|, |fy − 0.5|) of each click, 0 = centre
  std::vector<double> path_ratios;    ///< pointer path length / straight distance of each click
  std::vector<int> path_points;       ///< pointer samples on the way to each click
  std::vector<double> wheel_deltas;   ///< every wheel event's |delta|
  int scrolls_into_view = 0;          ///< scroll_to_element actions
  int scrolls_without_input = 0;      ///< … of them not made by wheel input (an instant jump)
};

/// Parses each action's input_timing (malformed or missing JSON is skipped) and pools it.
input_stats collect_input_stats(const std::vector<storage::action_sample>& actions);

/// Fraction of `v` strictly below `limit`; nullopt when `v` is empty.
std::optional<double> fraction_below(const std::vector<double>& v, double limit);

}  // namespace footfall::analytics
