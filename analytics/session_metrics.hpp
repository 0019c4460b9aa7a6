#pragma once
/// session_analytics: one session's metrics from its page visits and actions. Pure.
#include <vector>

#include "storage/analytics_rows.hpp"
#include "storage/records.hpp"

namespace footfall::analytics {

/// Builds the formulas' input from the engine's records: visits sorted by visit_order, actions
/// by time, each action tagged with its visit's index.
storage::session_input make_session_input(const storage::session_row& session,
                                          const std::vector<storage::page_record>& pages,
                                          const storage::session_signals& signals);

/// Computes a session_analytics row. Formulas (dwell_i = left_i − arrived_i of visit i, for
/// visits that were left; n = pages_visited):
///   total_duration_ms      sessions.session_duration_ms when set, else
///                          max(left_i, last action end) − min(arrived_i)
///   avg_page_dwell_time_ms mean(dwell_i)           median_page_dwell_time_ms  median(dwell_i)
///   pages_visited          n (number of page visits)
///   navigation_depth       number of distinct URLs visited (fragment dropped): how far into
///                          the site the visitor went; revisits and reloads do not deepen it
///   bounce_rate            1 if n ≤ 1 else 0
///   total_actions          user actions (page_load/page_unload excluded)
///   actions_per_page       total_actions / n
///   click_through_rate     clicks that led to a navigation / clicks, where a click leads to a
///                          navigation when it is the last user action of a visit that is
///                          followed by another visit; nullopt without clicks
///   scroll_engagement      mean(scroll_depth_percent_i) / 100
///   action_variance, pause_distribution   see timing.hpp
///   rhythm_score           see session_rhythm_score below
///   detection_risk_score, behaviour_risk_score, environment_risk_score   see detection.hpp
/// DECIMAL columns bound some fields (action_variance ≤ 999.999, actions_per_page ≤ 99.99); the
/// values are clamped to them here so one extreme session cannot fail a whole recompute.
storage::session_analytics_row compute_session_analytics(const storage::session_input& in);

/// rhythm_score, 0 robotic … 1 human-like: the shape of the action intervals (timing.hpp's
/// rhythm(): CV, burstiness, local variation) times their absolute speed times the per-key
/// structure of the typing:
///   rhythm = shape · speed · keys
///   speed  = clamp((m − 100)/(600 − 100), 0, 1), m = median interval between user actions (ms):
///            people take seconds between actions; a tenth of a second is machine speed
///   keys   = (1 − fraction of key holds < 40 ms) · clamp(CV_gaps / 0.3, 0, 1)
///            · (1 − fraction of key gaps < 25 ms); 1 when no key timing was recorded
///            (human IKI CV ≈ 0.47, Dhakal et al. 2018; holds ≈ 100 ms, Killourhy & Maxion 2009)
/// Each factor alone can make a session robotic: a metronome, machine speed or zero-hold keys.
/// nullopt with fewer than 3 intervals.
std::optional<double> session_rhythm_score(const std::vector<storage::action_sample>& actions);

}  // namespace footfall::analytics
