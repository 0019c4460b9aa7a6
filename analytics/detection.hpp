#pragma once
/// detection_risk_score: how likely a bot detector would flag a session, 0 undetectable … 1
/// obvious bot, from signals footfall can measure. Pure.
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/analytics_rows.hpp"

namespace footfall::analytics {

/// Typing faster than this many characters per second is superhuman: skilled typists sustain
/// 80–120 wpm (≈ 7–10 chars/s, 5 chars per word); bursts of 150 wpm reach 12.5 chars/s.
inline constexpr double superhuman_chars_per_s = 15.0;
/// A click whose own duration is at least this long includes the pointer's travel to the target
/// (the engine moves the mouse along a curve and times the whole gesture).
inline constexpr int click_travel_min_ms = 80;

/// One measured signal: its strength s in [0, 1] and its weight w in [0, 1].
struct risk_signal {
  const char* name;
  double strength = 0;
  double weight = 0;
};

/// The signals and their combination.
struct detection_risk {
  std::vector<risk_signal> signals;
  double score = 0;
  /// {"name": {"strength": s, "weight": w}, ...}, stored in session_analytics.risk_signals.
  nlohmann::json to_json() const;
};

/// True when the user agent announces a headless browser ("HeadlessChrome", "Headless").
bool headless_user_agent(std::string_view ua);

/// Fraction of clicks (click, double_click, right_click, drag_and_drop) with no pointer movement
/// before them: neither a hover/scroll_to_element on the same page immediately before, nor a
/// click gesture long enough (≥ click_travel_min_ms) to include travel. nullopt without clicks.
std::optional<double> unprepared_click_fraction(const std::vector<storage::action_sample>& a);

/// Fraction of type actions faster than superhuman_chars_per_s (chars / (duration_ms/1000));
/// a type action of ≥ 2 chars taking 0 ms counts as superhuman. nullopt without type actions.
std::optional<double> superhuman_typing_fraction(const std::vector<storage::action_sample>& a);

/// Combines the signals as a noisy-OR, each one an independent chance that a detector flags the
/// visitor:  risk = 1 − Π_i (1 − w_i · s_i). Weights:
///   navigator.webdriver true      w = 0.90  (one property read flags it: near-certain)
///   headless user agent           w = 0.80  (a header every server sees)
///   unprepared clicks (fraction)  w = 0.50  (pointer-event forensics need client-side scripts)
///   regular timing (1 − rhythm)   w = 0.60  (behavioural models score inter-event timing)
///   superhuman typing (fraction)  w = 0.60
/// Unknown signals (nullopt) contribute nothing. webdriver alone gives 0.90; a clean session
/// with a human rhythm gives ≈ 0.
detection_risk detection_risk_score(const storage::session_signals& signals,
                                    const std::vector<storage::action_sample>& actions,
                                    std::optional<double> rhythm_score);

}  // namespace footfall::analytics
