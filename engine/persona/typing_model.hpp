#pragma once
/// Per-key typing plans calibrated to published keystroke data: each key has its own press time
/// and hold, Shift is pressed around shifted characters, keys overlap (rollover) when the next
/// press comes before the release, and typos are corrected with Backspace after a noticing gap.
/// Pure and seeded; cdp::play_key_events sends a plan at its planned times.
#include <string>
#include <vector>

#include "engine/persona/rng.hpp"

namespace footfall::engine {

/// How fast and how accurately a visitor types.
enum class typing_skill { novice, average, expert };
/// "novice", "average", "expert".
const char* to_string(typing_skill s);

/// The distributions a plan draws from (ms, unpaced).
struct typing_profile {
  double iki_mean_ms;     ///< press-to-press interval (inter-key interval, IKI), mean
  double iki_sd_ms;       ///< its standard deviation
  double hold_median_ms;  ///< keydown→keyup, log-normal median
  double hold_sigma;      ///< its log-normal shape
  double typo_rate;       ///< chance a letter is mistyped (then corrected)
};
/// The profile of a skill level (values and references in typing_model.cpp).
typing_profile profile_for(typing_skill s);

/// One key of a plan. Times in ms from the start of typing, already paced.
struct planned_key {
  std::string text;            ///< the character (UTF-8); empty for Backspace
  bool backspace = false;      ///< a correction
  bool shift = false;          ///< typed with Shift held
  bool shift_press = false;    ///< Shift goes down at shift_down_ms before this key
  bool shift_release = false;  ///< Shift goes up at shift_up_ms after this key (a run of shifted
                               ///< keys holds Shift once, as people do)
  double down_ms = 0;
  double up_ms = 0;
  double shift_down_ms = 0;
  double shift_up_ms = 0;
};

/// The keys that type `text`. The net effect is always exactly `text`.
std::vector<planned_key> plan_typing(const std::string& text, const typing_profile& p, double pace,
                                     rng& r);

/// Applies a plan to a string as a text field would (Backspace removes one code point).
std::string apply_keys(const std::vector<planned_key>& keys);

/// Per-key timing of a plan as recorded in actions.input_timing: holds (up − down) and gaps
/// between consecutive presses, in ms, rounded.
struct key_timing {
  std::vector<int> holds;
  std::vector<int> gaps;
};
key_timing timing_of(const std::vector<planned_key>& keys);

}  // namespace footfall::engine
