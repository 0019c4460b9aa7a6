#pragma once
/// Plain rows of the analytics tables (session_analytics, campaign_analytics) and the compact
/// per-session facts the formulas read. Storage reads and writes them; analytics/ computes them.
/// Like records.hpp this header knows nothing of libpqxx.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/arrivals.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// One action reduced to what the formulas use. Times are Unix epoch milliseconds (double), so a
/// million of them load without timestamp parsing.
struct action_sample {
  action_type type = action_type::click;
  double t_ms = 0;        ///< action start ("timestamp")
  int duration_ms = 0;    ///< how long the action itself took (mouse travel, typing, scrolling)
  int input_chars = 0;    ///< length of input_value (type actions)
  int visit_index = 0;    ///< 0-based index of its page visit within the session's visits
  std::optional<int> x;   ///< viewport CSS pixels
  std::optional<int> y;
  std::optional<std::string> input_timing;  ///< actions.input_timing (JSON text)
};

/// One page visit reduced to what the formulas use.
struct visit_sample {
  int visit_order = 1;
  std::string url;
  double arrived_ms = 0;
  std::optional<double> left_ms;
  int scroll_depth_percent = 0;
  std::optional<double> load_ms;
  int console_errors = 0;
  int failed_requests = 0;
  bool saturated = false;  ///< measured while footfall itself was saturated (page_visits.saturated)
};

/// Signals about a session that are not in its page visits and actions: measured by the engine
/// in the page (navigator.webdriver) or taken from the session row.
struct session_signals {
  std::optional<bool> webdriver;  ///< navigator.webdriver as the page saw it; nullopt: unknown
  std::string user_agent;
  /// Share (0..1) of the headless-embedder tells the pages showed under a Chrome user agent (no
  /// window.chrome, no PDF plugins or viewer, notifications denied: the headless shell's); nullopt: not measured. Migration 0100.
  std::optional<double> embedder_tells;
};

/// Everything the session formulas need for one session.
struct session_input {
  uuid session_id;
  uuid campaign_id;
  uuid persona_id;
  session_status status = session_status::completed;
  std::optional<int> session_duration_ms;  ///< sessions.session_duration_ms if the engine set it
  session_signals signals;
  std::vector<visit_sample> visits;    ///< ordered by visit_order
  std::vector<action_sample> actions;  ///< ordered by t_ms
};

/// A row of session_analytics (spec fields plus footfall's risk columns, migration 0010).
struct session_analytics_row {
  uuid session_id;
  uuid campaign_id;
  uuid persona_id;
  std::int64_t total_duration_ms = 0;
  std::optional<double> avg_page_dwell_time_ms;
  std::optional<int> median_page_dwell_time_ms;
  int pages_visited = 0;
  int navigation_depth = 0;
  double bounce_rate = 0;
  int total_actions = 0;
  std::optional<double> actions_per_page;
  std::optional<double> click_through_rate;
  std::optional<double> scroll_engagement;
  std::optional<double> action_variance;
  std::optional<double> rhythm_score;
  nlohmann::json pause_distribution = nlohmann::json::object();
  double detection_risk_score = 0;
  nlohmann::json risk_signals = nlohmann::json::object();  ///< each signal's value and weight
  std::optional<bool> navigator_webdriver;
  std::optional<double> embedder_tells;  ///< as the pages measured it (session_signals)
  std::optional<double> mean_interval_s;  ///< mean interval between actions (for campaign variance)
  /// The two parts of detection_risk_score (migration 0040; analytics/detection.hpp).
  std::optional<double> behaviour_risk_score;
  std::optional<double> environment_risk_score;
};

/// Browser resource usage over a campaign, measured by the engine.
struct resource_usage {
  std::optional<std::int64_t> total_runtime_ms;
  /// CPU time of the browsers' process groups and of footfall over the run, as a share of the
  /// machine (all cores × wall time), 0 … 1.
  std::optional<double> avg_cpu_usage;
  /// Peak proportional set size (PSS) of the browsers' process groups plus footfall's own.
  std::optional<int> peak_memory_mb;
  std::optional<int> machine_memory_rise_mb;  ///< peak rise of the machine's used memory
  std::optional<double> machine_cpu_usage;    ///< busy share of the machine's CPUs, all processes
  std::optional<int> footfall_memory_mb;      ///< footfall's own peak PSS
};

/// A row of campaign_analytics.
struct campaign_analytics_row {
  uuid campaign_id;
  int total_sessions = 0;
  int completed_sessions = 0;
  int failed_sessions = 0;
  double success_rate = 0;
  std::optional<double> avg_session_duration_ms;
  std::optional<double> avg_pages_per_session;
  std::optional<double> avg_actions_per_session;
  std::optional<double> avg_rhythm_score;
  std::optional<double> behavioral_variance;
  std::optional<double> detection_risk_score;
  std::optional<double> behaviour_risk_score;    ///< mean of the sessions' (migration 0040)
  std::optional<double> environment_risk_score;  ///< mean of the sessions'
  resource_usage resources;
};

}  // namespace footfall::storage

namespace footfall::storage {

/// A page visit of a campaign, for reports: which session, plus the visit's facts.
struct visit_fact {
  uuid session_id;
  visit_sample visit;
  int actions_count = 0;
};

/// A click's position with the viewport it happened in, for the heatmap.
struct click_fact {
  int x = 0;
  int y = 0;
  int viewport_width = 1920;
  int viewport_height = 1080;
};

/// A session with its analytics row, if computed.
struct session_fact {
  session_row row;
  std::optional<session_analytics_row> analytics;
};

/// Everything a report of one campaign is built from, as loaded from the database.
struct campaign_dataset {
  campaign info;
  std::optional<campaign_analytics_row> analytics;
  std::vector<session_fact> sessions;          ///< ordered by session_index
  std::vector<visit_fact> visits;              ///< ordered by arrived_at
  std::vector<std::int64_t> action_mix = std::vector<std::int64_t>(action_type_count, 0);
  std::vector<click_fact> clicks;              ///< a bounded sample of click positions
  /// Timing fidelity: actions.start_lag_ms over the campaign (p50, p95, how many actions had one).
  std::optional<double> start_lag_p50_ms;
  std::optional<double> start_lag_p95_ms;
  std::int64_t start_lag_samples = 0;
  /// Open-model arrivals (storage/arrivals.hpp); none for a closed-model campaign.
  std::optional<arrival_stats> arrivals;
  std::vector<arrival_minute> arrival_minutes;  ///< planned vs started per minute
};

}  // namespace footfall::storage
