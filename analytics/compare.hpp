#pragma once
/// The nightly regression verdict: a pure comparison of two campaigns' samples under thresholds.
/// Every judged metric rests on an interval for the difference (analytics/inference.hpp), the
/// intervals of one comparison hold together at the thresholds' confidence (Bonferroni over the
/// metrics that can be judged), and a metric with too few samples is `inconclusive`, never a
/// regression. analytics/README.md explains each method.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/inference.hpp"
#include "analytics/report.hpp"

namespace footfall::analytics {

/// What compare reads of one session.
struct session_sample {
  bool completed = false;
  int pages = 0;
  int console_errors = 0;
  int failed_requests = 0;
  std::optional<double> rhythm_score;
  std::optional<double> detection_risk;
};

/// What compare looks at in one campaign: per-session and per-visit samples, not point figures.
struct campaign_summary {
  std::string id;
  std::string name;
  std::string target_url;       ///< compare warns when the two campaigns' sites differ
  int concurrent_sessions = 0;  ///< for the fix it suggests when the generator was saturated
  std::string status;           ///< the campaign's status ("completed", "running", …)
  std::vector<session_sample> sessions;
  /// Per URL path: load times (ms) of the visits measured while footfall was not saturated.
  std::map<std::string, std::vector<double>> load_ms;
  /// Per URL path: visits with a load time left out because footfall was saturated then.
  std::map<std::string, int> saturated_visits;
  /// Per URL path: the load times of those saturated visits. Per-path rows leave them out; the
  /// campaign-wide row compares them with the other side's saturated visits of the same path
  /// (like with like), never with unsaturated ones.
  std::map<std::string, std::vector<double>> saturated_load_ms;
  /// Core Web Vitals per URL path (issue 21): one value per visit that has one (no interaction,
  /// no INP: not a sample). LCP and INP of visits measured while footfall was saturated are left
  /// out (a starved renderer paints and answers late: the generator's lateness) and counted.
  std::map<std::string, std::vector<double>> lcp_ms, inp_ms, cls;
  int vitals_saturated = 0;
  /// Every endpoint (host + path) the campaign's pages requested, with its errors; empty when
  /// requests were not recorded (page health off, or recorded before it existed).
  std::vector<storage::endpoint_outcome> endpoints;

  int completed() const;
  int pages() const;
};

/// Reduces a report to its samples.
campaign_summary summarize(const campaign_report& r);

/// Adds page health to a summary: the visits' vitals (storage::load_visit_vitals) and the
/// campaign's request endpoints (storage::load_request_endpoints).
void add_page_health(campaign_summary& s, const std::vector<storage::visit_vitals>& vitals,
                     std::vector<storage::endpoint_outcome> endpoints);

/// When a difference is a regression, and how sure compare must be. A metric regresses when its
/// whole interval lies beyond the limit on the worse side (for loads beyond both the relative and
/// the absolute one, so a 2 ms page does not fail on +1 ms).
struct thresholds {
  double confidence = 0.99;  ///< family-wise: P(any false regression in a comparison) ≤ 1 − this
  double power = 0.8;        ///< for the detectable-change column
  int min_samples = 5;       ///< per side: visits of a path, sessions for session metrics
  int min_samples_p95 = 20;  ///< per side, for a path's p95
  int bootstrap_resamples = 4000;
  std::uint64_t seed = 1;    ///< of the bootstrap: the same inputs give the same verdict
  double success_rate_drop = 0.05;  ///< absolute, 0…1
  double load_p50_increase_pct = 5;
  double load_p50_increase_ms = 20;
  double load_p95_increase_pct = 20;
  double load_p95_increase_ms = 50;
  double console_errors_per_page_increase = 0;  ///< any significant increase fails by default
  double failed_requests_per_page_increase = 0;
  double rhythm_drop = 0.10;
  double detection_risk_increase = 0.10;
  /// Core Web Vitals at p75 (issue 21): per path both limits must be exceeded by the whole
  /// interval (LCP, INP); campaign-wide the larger as a relative change. CLS is absolute.
  double lcp_p75_increase_pct = 10;
  double lcp_p75_increase_ms = 200;
  double inp_p75_increase_pct = 20;
  double inp_p75_increase_ms = 50;
  double cls_p75_increase = 0.05;
  /// A URL (host + path) that fails in at least this many candidate visits and never in the
  /// baseline fails the verdict; 0 turns the rule off.
  int new_failed_url_min_visits = 1;
  /// Vitals ("lcp", "inp", "cls") a PASS needs evidence for: their campaign-wide interval must
  /// stay below its limit, else INCONCLUSIVE. Others never make the outcome inconclusive.
  std::vector<std::string> require_vitals;

  /// Reads a JSON object of the fields above; unspecified fields keep their defaults. Throws
  /// std::invalid_argument naming the field for unknown keys, non-numbers and values out of range.
  static thresholds from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

/// One line of the diff table.
struct diff_row {
  enum class verdict { ok, regressed, improved, inconclusive, info };
  std::string metric;
  std::string scope;  ///< "campaign" or a URL path
  int n_baseline = 0;  ///< samples behind each side (sessions or visits)
  int n_candidate = 0;
  std::optional<double> baseline;   ///< the point figure of each side (median for loads)
  std::optional<double> candidate;
  std::optional<double> change;     ///< estimated candidate − baseline
  std::optional<interval> ci;       ///< interval of the change at `row_confidence`
  double row_confidence = 0;        ///< two-sided level of this row's interval
  std::optional<double> detectable; ///< smallest worsening these samples could call (≥ limit)
  std::string limit;                ///< the threshold, as text
  std::optional<double> limit_at;   ///< the change the whole interval must pass to regress
  std::string note;                 ///< why inconclusive, what was left out
  verdict status = verdict::ok;
};

/// An endpoint that failed in the candidate and never in the baseline: a regression by itself
/// when it failed on a page the baseline visited too.
struct new_failure {
  std::string endpoint;     ///< host + path, the key compared
  std::string example_url;  ///< one failing URL in full
  std::string statuses;     ///< the candidate's error outcomes ("500", "net::ERR_...")
  int candidate_visits = 0; ///< candidate page visits in which it failed
  int candidate_errors = 0;
  int candidate_requests = 0;
  int baseline_requests = 0;  ///< 0: the baseline never requested it
  /// It failed on a page (path) the baseline visited too: judged, REGRESSED. Otherwise only
  /// named (an info row): the random journey may just not have reached that page before.
  bool on_baseline_pages = false;
  std::vector<std::string> pages;  ///< the candidate's pages it failed on, when not judged
};

/// The three outcomes of a comparison (exit codes 0, 1, 4).
enum class outcome { pass, regressed, inconclusive };

/// How much of each side's load evidence was measured while the generator was saturated.
struct saturation_share {
  int baseline_flagged = 0, baseline_loads = 0;
  int candidate_flagged = 0, candidate_loads = 0;
  int compared_alike = 0;  ///< flagged visits compared with flagged visits of the same path
  int left_out = 0;        ///< flagged visits with no flagged counterpart on the other side
  double worst() const;    ///< the larger side's flagged share, 0…1
};

/// How the family's α was shared (one-sided levels; 0: no member): the campaign-wide load row,
/// the per-path load p50 rows (each gets loads / n_loads), the other rows (others / n_others).
struct alpha_shares {
  double overall = 0, loads = 0, others = 0;
  int n_loads = 0, n_others = 0;
  int n_outside = 0;  ///< rows with no spread on either side, judged outside the family
};

/// The comparison: every row, and the outcome.
struct comparison {
  campaign_summary baseline;
  campaign_summary candidate;
  thresholds limits;
  std::vector<diff_row> rows;
  int family = 0;  ///< rows judged together (weighted Bonferroni, `shares`)
  alpha_shares shares;
  bool regressed = false;
  outcome result = outcome::pass;
  /// Why the outcome is inconclusive, and what would resolve it (empty otherwise).
  std::string reason;
  std::optional<int> sessions_to_resolve;  ///< ≈ more sessions per side to resolve the wide row
  std::vector<std::string> moved;          ///< paths whose median moved past the limit, worst first
  std::vector<std::string> warnings;       ///< e.g. the campaigns ran against different sites
  saturation_share saturation;
  std::vector<new_failure> new_failures;   ///< each also a "new_failed_url" row (REGRESSED if judged)
};

/// The campaign-wide load row: one judged row over every path (metric "load_p50_change_pct",
/// scope "all paths"). Each path (and each path's saturated visits) is a stratum of the van
/// Elteren test on log load times, so a visit is ranked only against visits of its own path; the
/// common change is exp(shift) − 1 with its interval, against max(load_p50_increase_pct, the
/// absolute limit over the baseline's pooled median). It gets half the family's α (weighted
/// Bonferroni: α/2 + Σ α/(2m) = α), the per-path and other rows share the other half.
inline constexpr const char* all_paths_metric = "load_p50_change_pct";
inline constexpr const char* all_paths_scope = "all paths";
/// The metric of a newly failing URL's row (scope: its host + path).
inline constexpr const char* new_failed_url_metric = "new_failed_url";

/// Compares candidate against baseline. Paths only in one campaign are reported as info.
comparison compare(const campaign_summary& baseline, const campaign_summary& candidate,
                   const thresholds& limits);

/// The diff table for a terminal, ending with "verdict: PASS", "verdict: REGRESSION (n)" or
/// "verdict: INCONCLUSIVE — why; what would resolve it".
std::string render_comparison(const comparison& c);
nlohmann::json comparison_json(const comparison& c);
/// One self-contained HTML page (inline CSS and SVG, no script, no network): the verdict, the
/// campaign-wide row, every row with its interval drawn against its limit, what was left out.
std::string render_comparison_html(const comparison& c);
/// JUnit XML: one <testcase> per judged row (REGRESSED fails, inconclusive is skipped), and the
/// outcome as a testcase of its own.
std::string render_comparison_junit(const comparison& c);
std::string to_string(diff_row::verdict v);
std::string to_string(outcome o);

}  // namespace footfall::analytics
