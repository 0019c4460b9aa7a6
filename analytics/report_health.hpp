#pragma once
/// The report's "Page health" section (issue 21): per URL path, the Core Web Vitals at p75 judged
/// against Google's bands, and the failed and slowest requests by URL. Pure.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/page_health_queries.hpp"

namespace footfall::analytics {

struct campaign_report;

/// Google's bands at p75 (web.dev/articles/vitals; GoogleChrome/web-vitals src/on*.ts):
/// good <= good_max, poor > poor_min, needs improvement between.
struct vital_band {
  const char* metric;  ///< lcp, inp, cls, fcp, ttfb
  double good_max, poor_min;
};
inline constexpr vital_band vital_bands[] = {{"lcp", 2500, 4000},
                                             {"inp", 200, 500},
                                             {"cls", 0.1, 0.25},
                                             {"fcp", 1800, 3000},
                                             {"ttfb", 800, 1800}};
/// "good", "needs improvement" or "poor" for `metric` at `p75`.
const char* judge_vital(const std::string& metric, double p75);

/// One vital at p75 over a path's visits that measured it.
struct vital_p75 {
  std::optional<double> p75;
  int samples = 0;
};

/// One path's vitals (path "" is the whole campaign).
struct path_vitals {
  std::string path;
  vital_p75 lcp, inp, cls, fcp, ttfb;
};

/// The section's data.
struct page_health_section {
  bool recorded = false;  ///< any visit had vitals or requests
  path_vitals campaign;
  std::vector<path_vitals> paths;  ///< by path
  std::vector<storage::request_url_summary> failed, slowest;
};

/// Groups the visits' vitals by path and takes their p75 (linear interpolation, stats.hpp).
page_health_section build_page_health(const std::vector<storage::visit_vitals>& visits,
                                      std::vector<storage::request_url_summary> failed,
                                      std::vector<storage::request_url_summary> slowest);

/// Text lines for render_table ("" when nothing was recorded).
std::string render_health_table(const campaign_report& r);
/// The "page_health" member of render_json (null when nothing was recorded).
nlohmann::json render_health_json(const campaign_report& r);
/// A static <section> for render_html ("" when nothing was recorded).
std::string render_health_html(const campaign_report& r);

}  // namespace footfall::analytics
