#pragma once
/// The nightly regression verdict: a pure comparison of two campaign summaries under thresholds.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/report.hpp"

namespace footfall::analytics {

/// What compare looks at in one campaign.
struct campaign_summary {
  std::string id;
  std::string name;
  int sessions = 0;
  double success_rate = 0;
  int pages = 0;
  int console_errors = 0;
  int failed_requests = 0;
  std::optional<double> rhythm_score;    ///< campaign avg_rhythm_score
  std::optional<double> detection_risk;  ///< campaign detection_risk_score
  struct load {
    int samples = 0;
    std::optional<double> p50_ms;
    std::optional<double> p95_ms;
  };
  std::map<std::string, load> paths;  ///< by URL path
};

/// Reduces a report to its summary.
campaign_summary summarize(const campaign_report& r);

/// When a difference is a regression. Loads regress when BOTH the relative and the absolute
/// increase exceed their limits (so a 2 ms page does not fail on +1 ms). Errors are compared per
/// page visit, so campaigns of different sizes compare fairly.
struct thresholds {
  double success_rate_drop = 0.05;            ///< absolute, 0…1
  double load_p50_increase_pct = 20;
  double load_p50_increase_ms = 50;
  double load_p95_increase_pct = 30;
  double load_p95_increase_ms = 100;
  double console_errors_per_page_increase = 0;   ///< any increase fails by default
  double failed_requests_per_page_increase = 0;
  double rhythm_drop = 0.10;
  double detection_risk_increase = 0.10;

  /// Reads a JSON object of the fields above; unspecified fields keep their defaults. Throws
  /// std::invalid_argument naming the field for unknown keys, non-numbers and negative values.
  static thresholds from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

/// One line of the diff table.
struct diff_row {
  enum class verdict { ok, regressed, improved, info };
  std::string metric;
  std::string scope;  ///< "campaign" or a URL path
  std::optional<double> baseline;
  std::optional<double> candidate;
  std::string limit;  ///< the threshold, as text
  verdict status = verdict::ok;
};

/// The comparison: every row, and whether any regressed.
struct comparison {
  campaign_summary baseline;
  campaign_summary candidate;
  thresholds limits;
  std::vector<diff_row> rows;
  bool regressed = false;
};

/// Compares candidate against baseline. Paths only in one campaign are reported as info.
comparison compare(const campaign_summary& baseline, const campaign_summary& candidate,
                   const thresholds& limits);

/// The diff table for a terminal, ending with "verdict: PASS" or "verdict: REGRESSION (n)".
std::string render_comparison(const comparison& c);
nlohmann::json comparison_json(const comparison& c);
std::string to_string(diff_row::verdict v);

}  // namespace footfall::analytics
