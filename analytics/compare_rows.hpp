#pragma once
/// compare's internals, shared by compare.cpp (loads, sessions, the family and the outcome) and
/// compare_health.cpp (Core Web Vitals and newly failing URLs): a row before it is judged, and the
/// rule that turns an interval into a verdict. Not part of the analytics API.
#include <functional>
#include <string>
#include <vector>

#include "analytics/compare.hpp"

namespace footfall::analytics::detail {

/// A metric before judging: its row, how small a p-value its samples allow (1: untestable),
/// and how to estimate its change once the family's per-row level is known.
struct pending {
  diff_row row;
  double min_p = 1;
  std::function<void(diff_row&, double alpha)> judge;
  /// The pooled values have no spread (every session 0 console errors, every visit CLS 0): no
  /// test at any level can call a change, so the row is judged outside the family and takes
  /// none of its α — Tarone's rule (Biometrics 46, 1990) for tests whose attainable p-value,
  /// given the pooled data, cannot reach the family's level. In round 15's real comparisons 11
  /// of 33 judged rows were such, each diluting the per-path load rows' level.
  bool cannot_differ = false;
};

/// True when every value of both sides is the same (the pooled sample has no spread).
inline bool no_spread(const std::vector<double>& b, const std::vector<double>& c) {
  const double* first = !b.empty() ? &b.front() : !c.empty() ? &c.front() : nullptr;
  if (!first) return false;
  for (const auto* v : {&b, &c})
    for (double x : *v)
      if (x != *first) return false;
  return true;
}

/// The verdict from an interval: `worse` is +1 when a higher value is worse, −1 when lower is;
/// `limit` how large a worsening (or improvement) must be to count (compare.cpp says why).
diff_row::verdict judge_interval(interval ci, double worse, double limit);

/// The judge of a row whose change is `statistic`(candidate) − `statistic`(baseline), with a
/// seeded bootstrap interval over units, regressing past `limit` (higher is worse).
std::function<void(diff_row&, double alpha)> bootstrap_judge(std::vector<unit> baseline,
                                                             std::vector<unit> candidate,
                                                             unit_statistic statistic,
                                                             double limit, const thresholds& t);

/// One-sided level α per row ⇒ a two-sided interval at 1 − 2α, whose worse end is the
/// one-sided bound.
inline double two_sided(double alpha) { return 1 - 2 * alpha; }

std::string fmt(const char* f, double v);

/// The judge of a stratified row (campaign-wide loads and vitals, a path's p50 with saturated
/// strata): the van Elteren shift of `strata` with its interval at the row's level, judged
/// against `limit` on the strata's own scale (higher is worse), every figure shown through
/// `shown` (e.g. log → per cent), which must be increasing.
std::function<void(diff_row&, double alpha)> van_elteren_judge(
    std::vector<stratum> strata, double limit, double sd, double power,
    std::function<double(double)> shown);

/// A robust spread of (log) values within strata: each side's values less its stratum median,
/// pooled (1.4826 · MAD). For the campaign-wide rows' detectable-change and resolve estimates.
double within_strata_sd(const std::vector<stratum>& strata);

/// The vitals' rows: per vital (LCP, INP, CLS) one campaign-wide row and one row per path with
/// samples on either side (compare_health.cpp, analytics/README.md).
void add_vital_rows(const campaign_summary& b, const campaign_summary& c, const thresholds& t,
                    std::vector<pending>& out);

/// The campaign-wide vital rows' metrics, for the outcome's require_vitals rule.
std::string vital_all_paths_metric(const std::string& vital);

/// Endpoints that fail in the candidate and never in the baseline; a warning when the baseline
/// recorded no requests (nothing to compare against).
std::vector<new_failure> find_new_failures(const campaign_summary& b, const campaign_summary& c,
                                           const thresholds& t, std::vector<std::string>& warnings);

/// The REGRESSED row of a newly failing endpoint.
diff_row new_failure_row(const new_failure& f);

}  // namespace footfall::analytics::detail
