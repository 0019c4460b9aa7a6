#pragma once
/// Sampling until resolved (`compare --resolve`, issue 22 item 4), the pure part: the plan of
/// looks, the confidence each look is judged at, and the loop that adds candidate sessions in
/// rounds while the outcome is INCONCLUSIVE. Looking after every round and stopping at the first
/// REGRESSED would inflate false regressions (k looks at level α each can reach k·α), so the
/// family-wise error rate α = 1 − confidence is spent across the planned looks: Bonferroni over
/// looks, each at α/K (K the most looks the plan can take). Whatever the looks' correlation and
/// wherever the loop stops, P(any look falsely regresses) ≤ Σ α/K = α. The schedule (sessions at
/// each look) is fixed before the first look, from sizes only, never from the data: a schedule
/// chosen from what the first look showed would void that bound. analytics/README.md.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analytics/compare.hpp"

namespace footfall::analytics {

/// The looks of one `--resolve` run, fixed before the first.
struct look_plan {
  int first_sessions = 0;  ///< the candidate's sessions at the first look (n0)
  int max_sessions = 0;    ///< the cap N (--max-sessions)
  int round_sessions = 0;  ///< sessions added per round (the last may add fewer, to reach N)
  int looks = 1;           ///< K = 1 + ceil((N − n0) / round): the first look and every round's
  double confidence = 0.99;  ///< the comparison's family-wise confidence, 1 − α
  /// --resolve-paths: a PASS is looked past while a path's p50 load row is unresolved (its
  /// interval still reaches past its limit, or too few visits to judge it): a change to one
  /// path of many barely moves the campaign-wide row, which passes long before that path's row
  /// can tell. Costs sessions (with many paths, some row is often unresolved), never α: the
  /// looks are the plan's either way.
  bool until_paths = false;

  /// 1 − α/K: what every look's comparison is judged at (thresholds.confidence).
  double per_look_confidence() const;
  /// The candidate's sessions at look `k` (0 = the first): min(N, n0 + k · round).
  int sessions_at(int k) const;
};

/// Plans the looks. Throws std::invalid_argument naming the flag and the rule: max_sessions < 1,
/// max_sessions below the current count, round_sessions < 1, confidence outside (0, 1).
look_plan plan_looks(int current_sessions, int max_sessions, int round_sessions,
                     double confidence);

/// The paths whose p50 load row `c` leaves unresolved: too few visits to judge, or (not
/// regressed) an interval that still reaches past its limit; the largest change for its limit
/// first.
std::vector<std::string> unresolved_paths(const comparison& c);

/// One look: the candidate's sessions and the comparison at the per-look confidence.
struct resolve_look {
  int look = 0;  ///< 0 = the first
  int looks = 1; ///< planned
  int candidate_sessions = 0;
  /// The baseline's sessions at this look, when the loop grows the baseline too (else 0).
  int baseline_sessions = 0;
  /// With until_paths: the paths still unresolved at this look (a PASS is looked past for them).
  std::vector<std::string> unresolved;
  comparison result;
};

/// What a round left: the candidate's new summary and, when the round grew the baseline too
/// (`compare --resolve-baseline`: two deployments side by side), the baseline's.
struct grown {
  grown(campaign_summary c) : candidate(std::move(c)) {}  // NOLINT: a candidate alone converts
  grown(campaign_summary c, campaign_summary b)
      : candidate(std::move(c)), baseline(std::move(b)) {}
  campaign_summary candidate;
  std::optional<campaign_summary> baseline;
};

/// Adds `add` sessions to the candidate (same config, fresh seeds) — and, with
/// --resolve-baseline, as many to the baseline, up to the same cap — runs them and returns the
/// new summaries. The CLI runs real sessions; tests draw samples. The looks' schedule and their
/// α are the candidate's plan either way: Bonferroni over looks needs no independence, so a
/// baseline that grows too spends nothing more.
using grow_candidate = std::function<grown(int add)>;

/// Looks at the comparison under the plan: while it is INCONCLUSIVE and the candidate has fewer
/// than max_sessions (with plan.until_paths: or a PASS leaves a path unresolved), grows it (and
/// the baseline, when `grow` returns one) by a round and looks again. `seen` is told every look.
/// Returns the last look (its comparison is the verdict; with until_paths, a PASS that still
/// leaves a path unresolved at the cap is INCONCLUSIVE, the path named in the reason).
resolve_look resolve(campaign_summary baseline, campaign_summary candidate,
                     const look_plan& plan, thresholds limits, const grow_candidate& grow,
                     const std::function<void(const resolve_look&)>& seen = {});

/// One line per look for stderr: "resolve: look 2/4, 10 candidate sessions, INCONCLUSIVE, all
/// paths +3.1 % [-2.0 %, +8.5 %] (limit +5 %) at confidence 0.9975".
std::string describe_look(const resolve_look& l);

}  // namespace footfall::analytics
