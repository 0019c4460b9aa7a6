#pragma once
/// detection_risk_score: how likely a bot detector would flag a session, 0 undetectable … 1
/// obvious bot, from signals footfall can measure, in two parts: the environment (properties of
/// the browser configuration: navigator.webdriver, a headless user agent) and the behaviour
/// (timing, speed, pointer paths, click placement, key and click holds, scrolls). Pure. Every
/// formula and its reference is in analytics/README.md.
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

/// Thresholds of the behaviour signals (analytics/README.md gives the references).
inline constexpr double min_human_key_hold_ms = 40;    ///< keystroke holds rarely go below
inline constexpr double min_human_key_gap_ms = 25;     ///< press-to-press, even with rollover
inline constexpr double min_human_click_hold_ms = 40;  ///< mouse press→release
inline constexpr double human_action_interval_ms = 400;  ///< median between actions: ≥ human
inline constexpr double robotic_action_interval_ms = 50;  ///< … and ≤ this is machine speed

/// The signals and their combination: score = 1 − (1 − behaviour)(1 − environment).
struct detection_risk {
  std::vector<risk_signal> signals;  ///< environment signals first, then behaviour
  double environment = 0;            ///< noisy-OR of the environment signals
  double behaviour = 0;              ///< noisy-OR of the behaviour signals
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

/// Machine speed from the median interval m between consecutive user actions:
/// clamp((400 − m)/(400 − 50), 0, 1); nullopt with fewer than 2 user actions.
std::optional<double> machine_speed(const std::vector<storage::action_sample>& a);

/// Combines each part's signals as a noisy-OR, each one an independent chance that a detector
/// flags the visitor: part = 1 − Π_i (1 − w_i · s_i). Environment:
///   navigator.webdriver true      w = 0.90  (one property read flags it: near-certain)
///   headless user agent           w = 0.80  (a header every server sees)
///   headless embedder             w = 0.60  (share of the headless shell's tells under a Chrome
///                                            user agent: no window.chrome, no PDF plugins or
///                                            viewer, notifications denied unasked; read
///                                            by common detectors, but also true of some
///                                            privacy-hardened real browsers, hence below the UA)
/// Behaviour (fractions unless stated; strengths in [0, 1]):
///   unprepared clicks             w = 0.50  (no pointer travel before the click)
///   regular timing (1 − rhythm)   w = 0.60  (rhythm_score, which sees speed and keys too)
///   superhuman typing             w = 0.60  (type actions above superhuman_chars_per_s)
///   machine speed                 w = 0.60  (median action interval: 1 at ≤ 50 ms, 0 at ≥ 400)
///   short key holds               w = 0.70  (holds < 40 ms)
///   instant key gaps              w = 0.60  (press-to-press < 25 ms)
///   short click holds             w = 0.60  (press→release < 40 ms)
///   straight pointer paths        w = 0.40  (clicks reached in ≤ 2 samples or ratio < 1.001)
///   dead-centre clicks            w = 0.30  (within 1 % of the element's centre on both axes)
///   scrolls without input         w = 0.50  (targets scrolled into view with no wheel input)
///   device-less wheel deltas      w = 0.40  (wheel events neither 100 px notches nor ≤ 50 px
///                                            touchpad deltas)
/// Unknown signals (nullopt) contribute nothing. webdriver alone gives 0.90; a clean session
/// with a human rhythm gives ≈ 0.
detection_risk detection_risk_score(const storage::session_signals& signals,
                                    const std::vector<storage::action_sample>& actions,
                                    std::optional<double> rhythm_score);

}  // namespace footfall::analytics
