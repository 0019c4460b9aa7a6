#include "analytics/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <utility>

#include "analytics/compare_rows.hpp"
#include "analytics/stats.hpp"

namespace footfall::analytics {
namespace detail {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// The verdict from an interval: `worse` is +1 when a higher value is worse, −1 when lower is;
/// `limit` how large a worsening (or improvement) must be to count.
/// A regression is a worsening larger than the limit at the family's confidence: the whole
/// interval beyond the limit, not just beyond zero. Two runs of an unchanged site differ by more
/// than sampling noise (other work on the machine, the generator's own load), so "significant
/// and an estimate over the limit" called 1 of 20 unchanged-site pairs a regression on a quiet
/// machine (bench_verdicts 2026-11-30: +62 ms [+10, +122] against a 20 ms limit).
diff_row::verdict judge_interval(interval ci, double worse, double limit) {
  const double lo = worse > 0 ? ci.lo : -ci.hi, hi = worse > 0 ? ci.hi : -ci.lo;
  if (lo > limit) return diff_row::verdict::regressed;
  if (hi < -limit) return diff_row::verdict::improved;
  return diff_row::verdict::ok;
}

double within_strata_sd(const std::vector<stratum>& strata) {
  std::vector<double> r;
  for (const auto& s : strata)
    for (const auto* v : {&s.x, &s.y}) {
      if (v->size() < 2) continue;
      const double m = *quantile(*v, 0.5);
      for (double x : *v) r.push_back(x - m);
    }
  return r.size() < 2 ? 0 : robust_sd(r);
}

std::function<void(diff_row&, double)> van_elteren_judge(std::vector<stratum> strata,
                                                         double limit, double sd, double power,
                                                         std::function<double(double)> shown) {
  return [strata = std::move(strata), limit, sd, power, shown = std::move(shown)](diff_row& r,
                                                                                  double alpha) {
    const auto s = van_elteren_shift(strata, two_sided(alpha));
    auto out = [&](double v) { return std::isfinite(v) ? shown(v) : v; };
    r.change = out(s.estimate);
    r.ci = interval{out(s.ci.lo), out(s.ci.hi)};
    r.detectable = out(limit + rank_test_mde(sd, r.n_baseline, r.n_candidate, alpha, power));
    r.limit_at = out(limit);
    r.status = judge_interval(s.ci, +1, limit);
  };
}

std::function<void(diff_row&, double)> bootstrap_judge(std::vector<unit> ub, std::vector<unit> uc,
                                                       unit_statistic statistic, double limit,
                                                       const thresholds& t) {
  return [ub = std::move(ub), uc = std::move(uc), statistic = std::move(statistic), limit,
          t](diff_row& r, double alpha) {
    const auto s = bootstrap_difference(ub, uc, statistic, two_sided(alpha),
                                        t.bootstrap_resamples, t.seed);
    r.change = s.estimate;
    r.ci = s.ci;
    r.detectable = limit + normal_mde(s.std_error, alpha, t.power);
    r.limit_at = limit;
    r.status = judge_interval(s.ci, +1, limit);
  };
}

}  // namespace detail

namespace {

using verdict = diff_row::verdict;
using detail::fmt;
using detail::judge_interval;
using detail::pending;
using detail::no_spread;
using detail::two_sided;
using detail::within_strata_sd;

/// The judge of a rank row: Hodges–Lehmann shift of the candidate's values against the
/// baseline's with the Mann–Whitney interval at the row's level, and its detectable change.
std::function<void(diff_row&, double)> shift_judge(std::vector<double> b, std::vector<double> c,
                                                  double worse, double limit, double power) {
  return [b = std::move(b), c = std::move(c), worse, limit, power](diff_row& r, double alpha) {
    const auto s = hodges_lehmann(b, c, two_sided(alpha));
    r.change = s.estimate;
    r.ci = s.ci;
    const double sd = (robust_sd(b) + robust_sd(c)) / 2;
    r.detectable = limit + rank_test_mde(sd, r.n_baseline, r.n_candidate, alpha, power);
    r.limit_at = worse * limit;
    r.status = judge_interval(s.ci, worse, limit);
  };
}

/// A per-session score (rhythm, detection risk): Hodges–Lehmann over the sessions' values.
pending score_row(const char* metric, std::vector<double> b, std::vector<double> c, double worse,
                  double limit, const thresholds& t) {
  pending p;
  p.row.metric = metric;
  p.row.scope = "campaign";
  p.row.n_baseline = static_cast<int>(b.size());
  p.row.n_candidate = static_cast<int>(c.size());
  p.row.baseline = mean(b);
  p.row.candidate = mean(c);
  p.row.limit = (worse > 0 ? "increase <= " : "drop <= ") + fmt("%.2f", limit);
  if (std::min(b.size(), c.size()) < static_cast<std::size_t>(t.min_samples)) return p;
  p.min_p = mann_whitney_min_p(p.row.n_baseline, p.row.n_candidate);
  p.cannot_differ = no_spread(b, c);
  p.judge = shift_judge(std::move(b), std::move(c), worse, limit, t.power);
  return p;
}

/// Errors per page: bootstrap of Σerrors/Σpages over whole sessions (errors cluster by session).
pending per_page_row(const char* metric, int session_sample::*field, const campaign_summary& b,
                     const campaign_summary& c, double limit, const thresholds& t) {
  auto units = [field](const campaign_summary& s) {
    std::vector<unit> u;
    for (const auto& x : s.sessions) u.push_back({double(x.*field), double(x.pages)});
    return u;
  };
  pending p;
  p.row.metric = metric;
  p.row.scope = "campaign";
  auto ub = units(b), uc = units(c);
  p.row.n_baseline = static_cast<int>(ub.size());
  p.row.n_candidate = static_cast<int>(uc.size());
  p.row.baseline = ratio_of_sums(ub);
  p.row.candidate = ratio_of_sums(uc);
  p.row.limit = "increase <= " + fmt("%.3f", limit);
  if (std::min(ub.size(), uc.size()) < static_cast<std::size_t>(t.min_samples)) return p;
  p.min_p = 0;
  // Every session at the same rate (commonly 0 errors): every resample's ratio is that rate.
  auto rates = [](const std::vector<unit>& us, bool& stray) {
    std::vector<double> r;
    for (const auto& u : us) {
      if (u.weight > 0) r.push_back(u.value / u.weight);
      else stray = stray || u.value != 0;
    }
    return r;
  };
  bool stray = false;
  const auto rb = rates(ub, stray), rc = rates(uc, stray);
  p.cannot_differ = !stray && no_spread(rb, rc);
  p.judge = detail::bootstrap_judge(std::move(ub), std::move(uc), ratio_of_sums, limit, t);
  return p;
}

/// Success rate: Newcombe's interval for the difference of two proportions.
pending success_row(const campaign_summary& b, const campaign_summary& c, const thresholds& t) {
  pending p;
  p.row.metric = "success_rate";
  p.row.scope = "campaign";
  const int nb = static_cast<int>(b.sessions.size()), nc = static_cast<int>(c.sessions.size());
  const int kb = b.completed(), kc = c.completed();
  p.row.n_baseline = nb;
  p.row.n_candidate = nc;
  if (nb) p.row.baseline = double(kb) / nb;
  if (nc) p.row.candidate = double(kc) / nc;
  p.row.limit = "drop <= " + fmt("%.2f", t.success_rate_drop);
  if (std::min(nb, nc) < t.min_samples) return p;
  p.min_p = 0;
  p.judge = [=](diff_row& r, double alpha) {
    r.change = double(kc) / nc - double(kb) / nb;
    r.ci = newcombe_difference(kb, nb, kc, nc, two_sided(alpha));
    // Agresti–Caffo's (k+1)/(n+2) keeps the spread of a 100 % baseline above zero.
    const double pb = (kb + 1.0) / (nb + 2.0), pc = (kc + 1.0) / (nc + 2.0);
    const double se = std::sqrt(pb * (1 - pb) / nb + pc * (1 - pc) / nc);
    r.detectable = t.success_rate_drop + normal_mde(se, alpha, t.power);
    r.limit_at = -t.success_rate_drop;
    r.status = judge_interval(*r.ci, -1, t.success_rate_drop);
  };
  return p;
}

/// A load-time quantile row of one path before its test: each side's visit count and `q`
/// quantile, and the limit "+`pct`% and +`ms`ms" (p50 and p95 rows alike).
pending quantile_row(const char* metric, const std::string& path, const std::vector<double>& b,
                     const std::vector<double>& c, double q, double pct, double ms) {
  pending p;
  p.row.metric = metric;
  p.row.scope = path;
  p.row.n_baseline = static_cast<int>(b.size());
  p.row.n_candidate = static_cast<int>(c.size());
  p.row.baseline = quantile(b, q);
  p.row.candidate = quantile(c, q);
  p.row.limit = "+" + fmt("%.0f", pct) + "% and +" + fmt("%.0f", ms) + "ms";
  return p;
}

/// Load p50 of one path: Hodges–Lehmann shift of the visits' load times, limit relative to the
/// baseline median and absolute.
pending p50_row(const std::string& path, const std::vector<double>& b,
                const std::vector<double>& c, const thresholds& t) {
  auto p = quantile_row("load_p50_ms", path, b, c, 0.5, t.load_p50_increase_pct,
                        t.load_p50_increase_ms);
  if (std::min(b.size(), c.size()) < static_cast<std::size_t>(t.min_samples)) return p;
  p.min_p = mann_whitney_min_p(p.row.n_baseline, p.row.n_candidate);
  const double limit =
      std::max(t.load_p50_increase_ms, *p.row.baseline * t.load_p50_increase_pct / 100);
  p.judge = shift_judge(b, c, +1, limit, t.power);
  return p;
}

/// A path's values in a per-path map, empty when the path has none.
const std::vector<double>& values_at(const std::map<std::string, std::vector<double>>& m,
                                     const std::string& path) {
  static const std::vector<double> none;
  const auto it = m.find(path);
  return it == m.end() ? none : it->second;
}

std::vector<double> logs_of(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) out.push_back(std::log(std::max(x, 1.0)));
  return out;
}

/// Load p50 of a path with visits measured while footfall was saturated on both sides: two
/// strata of the van Elteren test on log load times, the unsaturated visits against each other
/// and the saturated against each other, as the campaign-wide row does. At pace 0 on 2 cores
/// two thirds of the visits are saturated; leaving them out left most paths "too few samples"
/// however many sessions ran (round 15: 1 of 5 one-path pairs resolved within 40 sessions).
/// The common shift is relative; in ms it is the baseline's median of the visits compared times
/// exp(shift) − 1, and the limit is the larger of the two, as for an unsaturated path.
pending stratified_p50_row(const std::string& path, const std::vector<double>& b,
                           const std::vector<double>& c, const std::vector<double>& sb,
                           const std::vector<double>& sc, const thresholds& t) {
  std::vector<double> pooled_b = b, pooled_c = c;
  pooled_b.insert(pooled_b.end(), sb.begin(), sb.end());
  pooled_c.insert(pooled_c.end(), sc.begin(), sc.end());
  auto p = quantile_row("load_p50_ms", path, pooled_b, pooled_c, 0.5, t.load_p50_increase_pct,
                        t.load_p50_increase_ms);
  std::vector<stratum> strata;
  if (!b.empty() && !c.empty()) strata.push_back({logs_of(b), logs_of(c)});
  strata.push_back({logs_of(sb), logs_of(sc)});
  int nb = 0, nc = 0;
  for (const auto& s : strata) {
    nb += static_cast<int>(s.x.size());
    nc += static_cast<int>(s.y.size());
  }
  p.row.n_baseline = nb;
  p.row.n_candidate = nc;
  p.row.note = std::to_string(sb.size() + sc.size()) +
               " saturated visits compared with saturated visits of this path";
  if (std::min(nb, nc) < t.min_samples) return p;
  p.min_p = van_elteren_min_p(strata);
  const double typical = *p.row.baseline;
  const double limit = std::max(t.load_p50_increase_ms, typical * t.load_p50_increase_pct / 100);
  const double sd = within_strata_sd(strata);
  p.judge = detail::van_elteren_judge(std::move(strata), std::log1p(limit / typical), sd,
                                      t.power,
                                      [typical](double l) { return typical * std::expm1(l); });
  return p;
}

/// Load p95 of one path: order-statistic bounds on each side's p95 (each end at half the row's
/// level), so the difference's lower end is L_candidate − U_baseline. Needs enough visits for
/// the baseline's upper bound to exist: q^n ≤ α/2, about 150 visits at the usual levels.
pending p95_row(const std::string& path, const std::vector<double>& b,
                const std::vector<double>& c, const thresholds& t) {
  auto p = quantile_row("load_p95_ms", path, b, c, 0.95, t.load_p95_increase_pct,
                        t.load_p95_increase_ms);
  if (std::min(b.size(), c.size()) < static_cast<std::size_t>(t.min_samples_p95)) return p;
  p.min_p = 2 * std::max(quantile_bounds_min_level(p.row.n_baseline, 0.95),
                         quantile_bounds_min_level(p.row.n_candidate, 0.95));
  const double limit =
      std::max(t.load_p95_increase_ms, *p.row.baseline * t.load_p95_increase_pct / 100);
  p.judge = [b, c, limit](diff_row& r, double alpha) {
    const auto qb = quantile_bounds(b, 0.95, alpha / 2), qc = quantile_bounds(c, 0.95, alpha / 2);
    r.change = *r.candidate - *r.baseline;
    r.ci = interval{qc.lo - qb.hi, qc.hi - qb.lo};
    // The shift that lifts the candidate's lower bound over the baseline's upper one when the
    // two are alike: detected about half the time (the power column does not apply here).
    r.detectable = limit + (qb.hi - qb.lo);
    r.limit_at = limit;
    r.status = judge_interval(*r.ci, +1, limit);
  };
  return p;
}

/// The rows of every path in either campaign; a path in only one is info.
void add_paths(const campaign_summary& b, const campaign_summary& c, const thresholds& t,
               std::vector<pending>& out) {
  std::set<std::string> paths;
  for (const auto& [p, _] : b.load_ms) paths.insert(p);
  for (const auto& [p, _] : c.load_ms) paths.insert(p);
  for (const auto& [p, _] : b.saturated_visits) paths.insert(p);
  for (const auto& [p, _] : c.saturated_visits) paths.insert(p);
  auto flagged = [](const campaign_summary& s, const std::string& p) {
    const auto it = s.saturated_visits.find(p);
    return it == s.saturated_visits.end() ? 0 : it->second;
  };
  for (const auto& path : paths) {
    const auto &lb = values_at(b.load_ms, path), &lc = values_at(c.load_ms, path);
    const auto &sb = values_at(b.saturated_load_ms, path),
               &sc = values_at(c.saturated_load_ms, path);
    const int flagged_b = flagged(b, path), flagged_c = flagged(c, path);
    const bool one_sided = (lb.empty() && !flagged_b) || (lc.empty() && !flagged_c);
    // Saturated visits join the p50 row when both sides have some (like with like); the p95
    // row, which needs ~150 visits a side to judge, stays with the unsaturated ones.
    const bool alike = !sb.empty() && !sc.empty();
    const int p50_left_out = alike ? 0 : flagged_b + flagged_c;
    auto p50 = alike ? stratified_p50_row(path, lb, lc, sb, sc, t) : p50_row(path, lb, lc, t);
    std::pair<pending, int> rows[] = {{std::move(p50), p50_left_out},
                                      {p95_row(path, lb, lc, t), flagged_b + flagged_c}};
    for (auto& [row, left_out] : rows) {
      if (one_sided) {
        row.judge = nullptr;
        row.row.status = verdict::info;
        row.row.note = "path in one campaign only";
      } else if (left_out > 0) {
        row.row.note = std::to_string(left_out) +
                       " visits measured while footfall was saturated left out";
      }
      out.push_back(std::move(row));
    }
  }
}

/// The strata of the campaign-wide row: per path, the unsaturated visits of both sides, and the
/// saturated visits of both sides when each has some (like with like); log load times, so a
/// change common to every path in relative terms is one shift. Counts what was left out.
std::vector<stratum> all_paths_strata(const campaign_summary& b, const campaign_summary& c,
                                      saturation_share& sat) {
  std::set<std::string> paths;
  for (const auto* m : {&b.load_ms, &c.load_ms, &b.saturated_load_ms, &c.saturated_load_ms})
    for (const auto& [p, _] : *m) paths.insert(p);
  std::vector<stratum> out;
  for (const auto& p : paths) {
    const auto &xb = values_at(b.load_ms, p), &xc = values_at(c.load_ms, p);
    const auto &sb = values_at(b.saturated_load_ms, p), &sc = values_at(c.saturated_load_ms, p);
    sat.baseline_loads += static_cast<int>(xb.size() + sb.size());
    sat.candidate_loads += static_cast<int>(xc.size() + sc.size());
    sat.baseline_flagged += static_cast<int>(sb.size());
    sat.candidate_flagged += static_cast<int>(sc.size());
    if (!xb.empty() && !xc.empty()) out.push_back({logs_of(xb), logs_of(xc)});
    if (!sb.empty() && !sc.empty()) {
      out.push_back({logs_of(sb), logs_of(sc)});
      sat.compared_alike += static_cast<int>(sb.size() + sc.size());
    } else {
      sat.left_out += static_cast<int>(sb.size() + sc.size());
    }
  }
  return out;
}

/// What the campaign-wide row needs beyond its diff_row: its limit on the log scale, the strata,
/// and the spread for the resolve estimate.
struct all_paths_data {
  std::vector<stratum> strata;
  double limit_log = 0;
  double sd = 0;
  int visits_b = 0, visits_c = 0;
};

pending all_paths_row(const campaign_summary& b, const campaign_summary& c, const thresholds& t,
                      saturation_share& sat, all_paths_data& data) {
  pending p;
  p.row.metric = all_paths_metric;
  p.row.scope = all_paths_scope;
  data.strata = all_paths_strata(b, c, sat);
  std::vector<double> pooled_b, pooled_c;
  for (const auto& s : data.strata) {
    data.visits_b += static_cast<int>(s.x.size());
    data.visits_c += static_cast<int>(s.y.size());
    for (double x : s.x) pooled_b.push_back(std::exp(x));
    for (double y : s.y) pooled_c.push_back(std::exp(y));
  }
  p.row.n_baseline = data.visits_b;
  p.row.n_candidate = data.visits_c;
  p.row.baseline = quantile(pooled_b, 0.5);
  p.row.candidate = quantile(pooled_c, 0.5);
  // The absolute limit over the typical page (the baseline's pooled median) as a relative one.
  const double typical = p.row.baseline.value_or(0);
  const double abs_pct = typical > 0 ? 100 * t.load_p50_increase_ms / typical : 0;
  const double limit_pct = std::max(t.load_p50_increase_pct, abs_pct);
  data.limit_log = std::log1p(limit_pct / 100);
  p.row.limit = "+" + fmt("%.1f", limit_pct) + "% (+" + fmt("%.0f", t.load_p50_increase_pct) +
                "%, +" + fmt("%.0f", t.load_p50_increase_ms) + "ms at " + fmt("%.0f", typical) +
                "ms)";
  data.sd = within_strata_sd(data.strata);
  if (std::min(data.visits_b, data.visits_c) < t.min_samples) return p;
  p.min_p = van_elteren_min_p(data.strata);
  p.judge = detail::van_elteren_judge(data.strata, data.limit_log, data.sd, t.power,
                                      [](double l) { return 100 * std::expm1(l); });
  return p;
}

/// ≈ how many more sessions per side would put the campaign-wide interval clear of its limit.
/// The interval's half-width h scales with √(1/n_b + 1/n_c) (the stratified test's own width,
/// so small strata and ties are priced in); a shift `gap` = |estimate − limit| away from the
/// limit is called with probability `power` once (z₁₋α + z_power)/z₁₋α · h ≤ gap — the power
/// rule of rank_test_mde with the measured width in place of σ̂·√(π/3)·√(1/m + 1/n).
std::optional<int> sessions_to_resolve(const all_paths_data& d, const diff_row& r, double alpha,
                                       const thresholds& t, const campaign_summary& b,
                                       const campaign_summary& c) {
  if (!r.ci || !r.change || !std::isfinite(r.ci->lo) || !std::isfinite(r.ci->hi)) return std::nullopt;
  if (b.sessions.empty() || c.sessions.empty() || !d.visits_b || !d.visits_c) return std::nullopt;
  const double lo = std::log1p(r.ci->lo / 100), hi = std::log1p(r.ci->hi / 100);
  const double est = std::log1p(*r.change / 100);
  const double h = (hi - lo) / 2, gap = std::abs(est - d.limit_log);
  const double za = normal_quantile(1 - alpha), zp = normal_quantile(t.power);
  const double target = gap * za / (za + zp) / h;  // the width factor needed, < 1
  const double vb = double(d.visits_b) / b.sessions.size(), vc = double(d.visits_c) / c.sessions.size();
  const double now = std::sqrt(1.0 / d.visits_b + 1.0 / d.visits_c);
  constexpr int cap = 100000;  // an estimate on the limit: no sample size settles it
  for (int k = 1; k < cap; k += std::max(1, k / 20)) {
    const double then = std::sqrt(1 / (d.visits_b + k * vb) + 1 / (d.visits_c + k * vc));
    if (then / now <= target) return k;
  }
  return cap;
}

/// Rows that take part in the family: judged, not info, and able to differ at all.
bool may_join_family(const pending& p) {
  return p.judge && p.row.status != verdict::info && !p.cannot_differ;
}

/// The per-path load p50 rows: their own share of α (compare() says why).
bool is_path_load(const pending& p) { return p.row.metric == "load_p50_ms"; }

/// The Bonferroni family of one share: the largest m such that the m rows of `group` whose
/// samples allow the smallest p-values can each reach α/m. The rest cannot reach significance at
/// any level the family would give them: they are inconclusive, and do not dilute the others
/// (Tarone's rule: attainable p-values from the sample sizes alone). Marks the members.
int choose_family(const std::vector<pending>& rows, double alpha, std::vector<bool>& member,
                  bool group) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (may_join_family(rows[i]) && is_path_load(rows[i]) == group) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rows[a].min_p < rows[b].min_p; });
  std::size_t m = 0;
  for (std::size_t i = 0; i < order.size(); ++i)
    if (rows[order[i]].min_p <= alpha / static_cast<double>(i + 1)) m = i + 1;
  for (std::size_t i : order) member[i] = false;
  for (std::size_t i = 0; i < m; ++i) member[order[i]] = true;
  return static_cast<int>(m);
}

}  // namespace

int campaign_summary::completed() const {
  return static_cast<int>(std::count_if(sessions.begin(), sessions.end(),
                                        [](const session_sample& s) { return s.completed; }));
}

int campaign_summary::pages() const {
  int n = 0;
  for (const auto& s : sessions) n += s.pages;
  return n;
}

double saturation_share::worst() const {
  const double b = baseline_loads ? double(baseline_flagged) / baseline_loads : 0;
  const double c = candidate_loads ? double(candidate_flagged) / candidate_loads : 0;
  return std::max(b, c);
}

namespace {

/// scheme://host[:port] of a URL: what "the same site" means for the warning.
std::string site_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

/// Paths whose median moved past the per-path relative limit, largest move first.
std::vector<std::string> moved_paths(const campaign_summary& b, const campaign_summary& c,
                                     const thresholds& t) {
  std::vector<std::pair<double, std::string>> moved;
  for (const auto& [path, lb] : b.load_ms) {
    const auto it = c.load_ms.find(path);
    if (it == c.load_ms.end() || lb.empty() || it->second.empty()) continue;
    const double mb = *quantile(lb, 0.5), mc = *quantile(it->second, 0.5);
    const double pct = mb > 0 ? 100 * (mc / mb - 1) : 0;
    if (pct > t.load_p50_increase_pct && mc - mb > t.load_p50_increase_ms)
      moved.push_back({pct, path + " " + fmt("%+.0f", pct) + "% (" + fmt("%.0f", mb) + " -> " +
                                fmt("%.0f", mc) + " ms, " + std::to_string(lb.size()) + "/" +
                                std::to_string(it->second.size()) + " visits)"});
  }
  std::sort(moved.begin(), moved.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<std::string> out;
  for (auto& m : moved) out.push_back(std::move(m.second));
  return out;
}

}  // namespace

comparison compare(const campaign_summary& b, const campaign_summary& c, const thresholds& t) {
  comparison out;
  out.baseline = b;
  out.candidate = c;
  out.limits = t;
  if (!b.target_url.empty() && !c.target_url.empty() && site_of(b.target_url) != site_of(c.target_url))
    out.warnings.push_back("the campaigns ran against different sites (" + site_of(b.target_url) +
                           " vs " + site_of(c.target_url) + "): the comparison is of two sites, "
                           "not two builds of one");
  diff_row sessions;
  sessions.metric = "sessions";
  sessions.scope = "campaign";
  sessions.n_baseline = static_cast<int>(b.sessions.size());
  sessions.n_candidate = static_cast<int>(c.sessions.size());
  sessions.baseline = b.sessions.size();
  sessions.candidate = c.sessions.size();
  sessions.status = verdict::info;

  all_paths_data all;
  pending overall = all_paths_row(b, c, t, out.saturation, all);

  std::vector<pending> rows;
  rows.push_back(success_row(b, c, t));
  rows.push_back(per_page_row("console_errors_per_page", &session_sample::console_errors, b, c,
                              t.console_errors_per_page_increase, t));
  rows.push_back(per_page_row("failed_requests_per_page", &session_sample::failed_requests, b, c,
                              t.failed_requests_per_page_increase, t));
  auto scores = [](const campaign_summary& s, std::optional<double> session_sample::*f) {
    std::vector<double> v;
    for (const auto& x : s.sessions)
      if (x.*f) v.push_back(*(x.*f));
    return v;
  };
  rows.push_back(score_row("rhythm_score", scores(b, &session_sample::rhythm_score),
                           scores(c, &session_sample::rhythm_score), -1, t.rhythm_drop, t));
  rows.push_back(score_row("detection_risk", scores(b, &session_sample::detection_risk),
                           scores(c, &session_sample::detection_risk), +1,
                           t.detection_risk_increase, t));
  add_paths(b, c, t, rows);
  detail::add_vital_rows(b, c, t, rows);

  // Weighted Bonferroni in three shares: the campaign-wide load row is tested at α/2; the
  // per-path load p50 rows share α/4 and every other row (session metrics, vitals, p95) the
  // other α/4, each share by the largest family whose members can each reach it. A share with
  // no member gives its α to the other. Σ of the levels stays ≤ α. Why loads have a share of
  // their own: "did a page get slower?" is the suite's question, and page health added up to
  // 26 vital rows to one family — a path's p50 row went from α/14 to α/66 in round 15's real
  // comparisons, and one path of six +20 % stayed unresolved at 40 sessions a side.
  const double alpha = 1 - t.confidence;
  const bool overall_judged = overall.judge && overall.min_p <= alpha / 2;
  const double alpha_overall = alpha / 2, alpha_rest = overall_judged ? alpha / 2 : alpha;
  std::vector<bool> member(rows.size(), false);
  int loads = choose_family(rows, alpha_rest / 2, member, true);
  const int others = choose_family(rows, loads ? alpha_rest / 2 : alpha_rest, member, false);
  if (!others) loads = choose_family(rows, alpha_rest, member, true);
  const double alpha_loads = others ? alpha_rest / 2 : alpha_rest;
  const double alpha_others = loads ? alpha_rest / 2 : alpha_rest;
  out.family = loads + others + (overall_judged ? 1 : 0);
  out.shares = {overall_judged ? alpha_overall : 0, loads ? alpha_loads : 0,
                others ? alpha_others : 0, loads, others, 0};
  auto alpha_row = [&](const pending& p) {
    const bool l = is_path_load(p);
    const int m = l ? loads : others;
    const double share = l ? alpha_loads : alpha_others;
    return m ? share / m : share;
  };
  out.rows.push_back(std::move(sessions));

  if (overall_judged) {
    overall.row.row_confidence = two_sided(alpha_overall);
    overall.judge(overall.row, alpha_overall);
  } else {
    overall.row.status = verdict::inconclusive;
    overall.row.note = overall.judge ? "too few visits for " + fmt("%.4g", 100 * (1 - alpha_overall)) +
                                           "% confidence"
                                     : "too few visits with a load time on both sides of a path";
  }
  if (out.saturation.left_out)
    overall.row.note += std::string(overall.row.note.empty() ? "" : "; ") +
                        std::to_string(out.saturation.left_out) +
                        " saturated visits without a saturated counterpart left out";
  if (out.saturation.compared_alike)
    overall.row.note += std::string(overall.row.note.empty() ? "" : "; ") +
                        std::to_string(out.saturation.compared_alike) +
                        " saturated visits compared with saturated visits of the same path";
  const diff_row overall_row = overall.row;
  out.rows.push_back(std::move(overall.row));

  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& p = rows[i];
    if (p.row.status == verdict::info) {
      out.rows.push_back(std::move(p.row));
      continue;
    }
    const double level = alpha_row(p);
    if (p.judge && p.cannot_differ) {
      // Outside the family: no level could call a change, so it costs no α (pending says why).
      p.row.row_confidence = two_sided(level);
      p.judge(p.row, level);
      ++out.shares.n_outside;
    } else if (!member[i]) {
      p.row.status = verdict::inconclusive;
      // min_p 1: below the minimum samples; else the samples could not reach the family's level.
      const std::string why = p.min_p >= 1 ? "too few samples"
                                           : "too few samples for " +
                                                 fmt("%.4g", 100 * (1 - level)) + "% confidence";
      p.row.note = p.row.note.empty() ? why : why + "; " + p.row.note;
    } else {
      p.row.row_confidence = two_sided(level);
      p.judge(p.row, level);
    }
    out.rows.push_back(std::move(p.row));
  }
  // Newly failing URLs are not estimates: a request that never failed in the baseline and fails
  // now is a fact about the candidate, outside the statistical family.
  out.new_failures = detail::find_new_failures(b, c, t, out.warnings);
  for (const auto& f : out.new_failures) out.rows.push_back(detail::new_failure_row(f));
  for (const auto& r : out.rows)
    if (r.status == verdict::regressed) out.regressed = true;
  out.moved = moved_paths(b, c, t);

  // The outcome. A regression anywhere fails. Otherwise a pass needs the campaign-wide interval
  // to stay below its limit: a row that cannot rule out a slowdown of every page is no evidence
  // that there was none.
  const std::string limit_text = fmt("+%.1f %%", 100 * std::expm1(all.limit_log));
  if (out.regressed) {
    out.result = outcome::regressed;
  } else if (!overall_judged) {
    out.result = outcome::inconclusive;
    out.reason = "the campaign-wide load row could not be judged (" + overall_row.note + ")";
  } else if (overall_row.ci && overall_row.ci->hi > 100 * std::expm1(all.limit_log)) {
    out.result = outcome::inconclusive;
    out.reason = "all paths " + fmt("%+.1f %%", *overall_row.change) + " [" +
                 fmt("%+.1f", overall_row.ci->lo) + ", " + fmt("%+.1f", overall_row.ci->hi) +
                 "] reaches past " + limit_text;
    out.sessions_to_resolve = sessions_to_resolve(all, overall_row, alpha_overall, t, b, c);
  }
  // Vitals the thresholds file requires: a pass needs their campaign-wide interval below the
  // limit too. Others never make the outcome inconclusive (INP needs interactions, which many
  // journeys do not make: a nightly suite would otherwise never pass).
  if (!out.regressed)
    for (const auto& v : t.require_vitals) {
      const auto metric = detail::vital_all_paths_metric(v);
      const auto it = std::find_if(out.rows.begin(), out.rows.end(), [&](const diff_row& r) {
        return r.metric == metric && r.scope == all_paths_scope;
      });
      std::string why;
      if (it == out.rows.end())
        why = metric + " could not be judged (no visit recorded " + v + ")";
      else if (it->status == verdict::inconclusive || !it->ci || !it->limit_at)
        why = metric + " could not be judged (" + it->note + ")";
      else if (it->ci->hi > *it->limit_at)
        why = metric + " " + fmt("%+.3g", *it->change) + " [" + fmt("%+.3g", it->ci->lo) + ", " +
              fmt("%+.3g", it->ci->hi) + "] reaches past " + fmt("%+.3g", *it->limit_at);
      if (why.empty()) continue;
      out.result = outcome::inconclusive;
      out.reason += (out.reason.empty() ? "" : "; ") + why + " (required by the thresholds)";
    }
  if (out.result == outcome::inconclusive && out.saturation.worst() >= 0.2) {
    const int conc = std::max(b.concurrent_sessions, c.concurrent_sessions);
    const int fewer = std::max(1, static_cast<int>(std::floor(conc * (1 - out.saturation.worst()))));
    out.reason += "; load generator saturated during " +
                  fmt("%.0f", 100 * out.saturation.worst()) + " % of the loads: concurrent_sessions <= " +
                  std::to_string(conc > 1 ? std::min(fewer, conc - 1) : 1) + " on this machine" +
                  (conc > 0 ? " (was " + std::to_string(conc) + ")" : "");
  }
  if (out.result == outcome::inconclusive && out.sessions_to_resolve)
    out.reason += "; ≈ " + std::to_string(*out.sessions_to_resolve) +
                  " more sessions per side to resolve " + limit_text;
  return out;
}

}  // namespace footfall::analytics
