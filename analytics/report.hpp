#pragma once
/// A campaign report: the loaded dataset plus what is derived from it (per-URL-path load times,
/// errors), and its renderings. Pure: rendering takes the struct and returns text.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/report_health.hpp"
#include "storage/analytics_rows.hpp"

namespace footfall::analytics {

/// Load timings and errors of one URL path.
struct path_stats {
  std::string path;
  int visits = 0;
  int load_samples = 0;
  std::optional<double> load_p50_ms;
  std::optional<double> load_p95_ms;
  std::optional<double> load_max_ms;
  std::optional<double> avg_dwell_ms;
  int console_errors = 0;
  int failed_requests = 0;
  int saturated_visits = 0;  ///< loads measured while footfall was saturated (compare skips them)
};

/// The report of one campaign.
struct campaign_report {
  storage::campaign_dataset data;
  std::vector<path_stats> paths;  ///< ordered by path
  int console_errors = 0;         ///< totals over every page visit
  int failed_requests = 0;
  int saturated_visits = 0;       ///< over every page visit
  std::string generated_at;       ///< ISO-8601 UTC, set by build_report
  /// Sessions with a stored trace (storage/traces.hpp); set by the caller. JUnit names their
  /// session page command.
  std::vector<std::string> traced_sessions;
  /// Core Web Vitals per path and failed / slowest requests (issue 21); set by the caller
  /// (build_page_health over storage/page_health_queries.hpp), empty when not recorded.
  page_health_section health;
};

/// The path of a URL: what follows scheme://host[:port], without query or fragment; "/" if empty.
std::string url_path(const std::string& url);

/// Derives per-path statistics and totals (p50/p95 by linear interpolation, stats.hpp).
campaign_report build_report(storage::campaign_dataset data);

/// A fixed-width summary for a terminal.
std::string render_table(const campaign_report& r);
/// The whole report as JSON (the machine-readable form of every section).
nlohmann::json render_json(const campaign_report& r);
/// One self-contained HTML page: inline CSS, data and <canvas> charts drawn by inline JS; no
/// network. When every chart has drawn, the page sets <body data-charts="ok N"> (tests read it).
std::string render_html(const campaign_report& r);
/// JUnit XML: one <testcase> per session; failed and timed-out sessions carry a <failure> with
/// their error_message, the command that renders their trace's session page (when one is stored)
/// and the replay command (also in <system-out>); pending/running ones are <skipped/>.
std::string render_junit(const campaign_report& r);

/// Escapes &, <, >, " and ' for XML/HTML text and attributes; drops characters XML 1.0 forbids.
std::string xml_escape(const std::string& s);

}  // namespace footfall::analytics
