#pragma once
/// The report's "Arrivals" section (issue 12): planned vs achieved arrivals per minute, late and
/// dropped arrivals, lateness percentiles. Empty for a closed-model campaign. Pure.
#include <string>

#include <nlohmann/json.hpp>

#include "analytics/report.hpp"

namespace footfall::analytics {

/// Text lines for render_table ("" without arrivals).
std::string render_arrivals_table(const campaign_report& r);
/// The "arrivals" member of render_json (null without arrivals).
nlohmann::json render_arrivals_json(const campaign_report& r);
/// A static <section> for render_html ("" without arrivals); draws no chart.
std::string render_arrivals_html(const campaign_report& r);

}  // namespace footfall::analytics
