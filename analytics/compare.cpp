#include "analytics/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>

#include "analytics/stats.hpp"

namespace footfall::analytics {
namespace {

using verdict = diff_row::verdict;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// A metric before judging: its row, how small a p-value its samples allow (1: untestable),
/// and how to estimate its change once the family's per-row level is known.
struct pending {
  diff_row row;
  double min_p = 1;
  std::function<void(diff_row&, double alpha)> judge;
};

/// The verdict from an interval: `worse` is +1 when a higher value is worse, −1 when lower is;
/// `limit` how large a worsening (or improvement) must be to count.
/// A regression is a worsening larger than the limit at the family's confidence: the whole
/// interval beyond the limit, not just beyond zero. Two runs of an unchanged site differ by more
/// than sampling noise (other work on the machine, the generator's own load), so "significant
/// and an estimate over the limit" called 1 of 20 unchanged-site pairs a regression on a quiet
/// machine (bench_verdicts 2026-11-30: +62 ms [+10, +122] against a 20 ms limit).
verdict judge_interval(interval ci, double worse, double limit) {
  const double lo = worse > 0 ? ci.lo : -ci.hi, hi = worse > 0 ? ci.hi : -ci.lo;
  if (lo > limit) return verdict::regressed;
  if (hi < -limit) return verdict::improved;
  return verdict::ok;
}

/// One-sided level α per row ⇒ a two-sided interval at 1 − 2α, whose worse end is the
/// one-sided bound.
double two_sided(double alpha) { return 1 - 2 * alpha; }

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
  p.judge = [ub = std::move(ub), uc = std::move(uc), limit, t](diff_row& r, double alpha) {
    const auto s =
        bootstrap_difference(ub, uc, ratio_of_sums, two_sided(alpha), t.bootstrap_resamples, t.seed);
    r.change = s.estimate;
    r.ci = s.ci;
    r.detectable = limit + normal_mde(s.std_error, alpha, t.power);
    r.status = judge_interval(s.ci, +1, limit);
  };
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
    r.status = judge_interval(*r.ci, -1, t.success_rate_drop);
  };
  return p;
}

/// Load p50 of one path: Hodges–Lehmann shift of the visits' load times, limit relative to the
/// baseline median and absolute.
pending p50_row(const std::string& path, const std::vector<double>& b,
                const std::vector<double>& c, const thresholds& t) {
  pending p;
  p.row.metric = "load_p50_ms";
  p.row.scope = path;
  p.row.n_baseline = static_cast<int>(b.size());
  p.row.n_candidate = static_cast<int>(c.size());
  p.row.baseline = quantile(b, 0.5);
  p.row.candidate = quantile(c, 0.5);
  p.row.limit = "+" + fmt("%.0f", t.load_p50_increase_pct) + "% and +" +
                fmt("%.0f", t.load_p50_increase_ms) + "ms";
  if (std::min(b.size(), c.size()) < static_cast<std::size_t>(t.min_samples)) return p;
  p.min_p = mann_whitney_min_p(p.row.n_baseline, p.row.n_candidate);
  const double limit =
      std::max(t.load_p50_increase_ms, *p.row.baseline * t.load_p50_increase_pct / 100);
  p.judge = shift_judge(b, c, +1, limit, t.power);
  return p;
}

/// Load p95 of one path: order-statistic bounds on each side's p95 (each end at half the row's
/// level), so the difference's lower end is L_candidate − U_baseline. Needs enough visits for
/// the baseline's upper bound to exist: q^n ≤ α/2, about 150 visits at the usual levels.
pending p95_row(const std::string& path, const std::vector<double>& b,
                const std::vector<double>& c, const thresholds& t) {
  pending p;
  p.row.metric = "load_p95_ms";
  p.row.scope = path;
  p.row.n_baseline = static_cast<int>(b.size());
  p.row.n_candidate = static_cast<int>(c.size());
  p.row.baseline = quantile(b, 0.95);
  p.row.candidate = quantile(c, 0.95);
  p.row.limit = "+" + fmt("%.0f", t.load_p95_increase_pct) + "% and +" +
                fmt("%.0f", t.load_p95_increase_ms) + "ms";
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
  static const std::vector<double> none;
  auto get = [](const campaign_summary& s, const std::string& p) -> const std::vector<double>& {
    const auto it = s.load_ms.find(p);
    return it == s.load_ms.end() ? none : it->second;
  };
  auto flagged = [](const campaign_summary& s, const std::string& p) {
    const auto it = s.saturated_visits.find(p);
    return it == s.saturated_visits.end() ? 0 : it->second;
  };
  for (const auto& path : paths) {
    const auto &lb = get(b, path), &lc = get(c, path);
    const int left_out = flagged(b, path) + flagged(c, path);
    const bool one_sided = (lb.empty() && !flagged(b, path)) || (lc.empty() && !flagged(c, path));
    for (auto row : {p50_row(path, lb, lc, t), p95_row(path, lb, lc, t)}) {
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

/// The Bonferroni family: the largest m such that the m rows whose samples allow the smallest
/// p-values can each reach α/m. The rest cannot reach significance at any level the family
/// would give them: they are inconclusive, and do not dilute the others. Marks the members.
int choose_family(const std::vector<pending>& rows, double alpha, std::vector<bool>& member) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].judge && rows[i].row.status != verdict::info) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rows[a].min_p < rows[b].min_p; });
  std::size_t m = 0;
  for (std::size_t i = 0; i < order.size(); ++i)
    if (rows[order[i]].min_p <= alpha / static_cast<double>(i + 1)) m = i + 1;
  member.assign(rows.size(), false);
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

comparison compare(const campaign_summary& b, const campaign_summary& c, const thresholds& t) {
  comparison out{b, c, t, {}, 0, false};
  diff_row sessions;
  sessions.metric = "sessions";
  sessions.scope = "campaign";
  sessions.n_baseline = static_cast<int>(b.sessions.size());
  sessions.n_candidate = static_cast<int>(c.sessions.size());
  sessions.baseline = b.sessions.size();
  sessions.candidate = c.sessions.size();
  sessions.status = verdict::info;

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

  const double alpha = 1 - t.confidence;
  std::vector<bool> member;
  out.family = choose_family(rows, alpha, member);
  const double alpha_row = out.family ? alpha / out.family : alpha;
  out.rows.push_back(std::move(sessions));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& p = rows[i];
    if (p.row.status == verdict::info) {
      out.rows.push_back(std::move(p.row));
      continue;
    }
    if (!member[i]) {
      p.row.status = verdict::inconclusive;
      // min_p 1: below the minimum samples; else the samples could not reach the family's level.
      const std::string why = p.min_p >= 1 ? "too few samples"
                                           : "too few samples for " +
                                                 fmt("%.4g", 100 * (1 - alpha_row)) + "% confidence";
      p.row.note = p.row.note.empty() ? why : why + "; " + p.row.note;
    } else {
      p.row.row_confidence = two_sided(alpha_row);
      p.judge(p.row, alpha_row);
      if (p.row.status == verdict::regressed) out.regressed = true;
    }
    out.rows.push_back(std::move(p.row));
  }
  return out;
}

}  // namespace footfall::analytics
