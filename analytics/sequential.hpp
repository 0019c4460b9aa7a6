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
#include <string>

#include "analytics/compare.hpp"

namespace footfall::analytics {

/// The looks of one `--resolve` run, fixed before the first.
struct look_plan {
  int first_sessions = 0;  ///< the candidate's sessions at the first look (n0)
  int max_sessions = 0;    ///< the cap N (--max-sessions)
  int round_sessions = 0;  ///< sessions added per round (the last may add fewer, to reach N)
  int looks = 1;           ///< K = 1 + ceil((N − n0) / round): the first look and every round's
  double confidence = 0.99;  ///< the comparison's family-wise confidence, 1 − α

  /// 1 − α/K: what every look's comparison is judged at (thresholds.confidence).
  double per_look_confidence() const;
  /// The candidate's sessions at look `k` (0 = the first): min(N, n0 + k · round).
  int sessions_at(int k) const;
};

/// Plans the looks. Throws std::invalid_argument naming the flag and the rule: max_sessions < 1,
/// max_sessions below the current count, round_sessions < 1, confidence outside (0, 1).
look_plan plan_looks(int current_sessions, int max_sessions, int round_sessions,
                     double confidence);

/// One look: the candidate's sessions and the comparison at the per-look confidence.
struct resolve_look {
  int look = 0;  ///< 0 = the first
  int looks = 1; ///< planned
  int candidate_sessions = 0;
  comparison result;
};

/// Adds `add` sessions to the candidate (same config, fresh seeds), runs them and returns the
/// candidate's new summary. The CLI runs real sessions; tests draw samples.
using grow_candidate = std::function<campaign_summary(int add)>;

/// Looks at the comparison under the plan: while it is INCONCLUSIVE and the candidate has fewer
/// than max_sessions, grows it by a round and looks again. `seen` is told every look. Returns
/// the last look (its comparison is the verdict).
resolve_look resolve(const campaign_summary& baseline, campaign_summary candidate,
                     const look_plan& plan, thresholds limits, const grow_candidate& grow,
                     const std::function<void(const resolve_look&)>& seen = {});

/// One line per look for stderr: "resolve: look 2/4, 10 candidate sessions, INCONCLUSIVE, all
/// paths +3.1 % [-2.0 %, +8.5 %] (limit +5 %) at confidence 0.9975".
std::string describe_look(const resolve_look& l);

}  // namespace footfall::analytics
