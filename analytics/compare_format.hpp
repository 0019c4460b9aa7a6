#pragma once
/// How compare writes a number, shared by its table (compare_render.cpp) and its HTML page and
/// JUnit XML (compare_html.cpp), so the two show a row alike. Not part of the analytics API.
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "analytics/compare.hpp"

namespace footfall::analytics::detail {

/// `v` with `decimals` places ("-" when absent, "+inf"/"-inf"); `sign` writes a leading '+'.
inline std::string format_number(std::optional<double> v, int decimals, bool sign = false) {
  if (!v) return "-";
  if (std::isinf(*v)) return *v > 0 ? "+inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, *v);
  return buf;
}

/// The interval of a change as "[lo, hi]" with signs, "" when there is none.
inline std::string format_interval(const std::optional<interval>& ci, int decimals) {
  if (!ci) return "";
  return "[" + format_number(ci->lo, decimals, true) + ", " + format_number(ci->hi, decimals, true) +
         "]";
}

/// The places a row's values are written with: none for counts of newly failing URLs, one for
/// milliseconds, percentages and session counts, three for the unitless scores.
inline int row_decimals(const diff_row& r) {
  const bool wide = r.metric.find("_ms") != std::string::npos ||
                    r.metric.find("_pct") != std::string::npos || r.metric == "sessions";
  return r.metric == new_failed_url_metric ? 0 : wide ? 1 : 3;
}

}  // namespace footfall::analytics::detail
