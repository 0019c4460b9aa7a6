#include "analytics/sequential.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace footfall::analytics {

double look_plan::per_look_confidence() const {
  // Bonferroni over looks: each look gets α/K of the family's α, so the chance that any look
  // calls a false regression is at most K · α/K = α, however the looks are correlated (they
  // share the earlier sessions) and wherever the loop stops.
  return 1.0 - (1.0 - confidence) / looks;
}

int look_plan::sessions_at(int k) const {
  return std::min(max_sessions, first_sessions + k * round_sessions);
}

look_plan plan_looks(int current_sessions, int max_sessions, int round_sessions,
                     double confidence) {
  if (max_sessions < 1)
    throw std::invalid_argument("--max-sessions: " + std::to_string(max_sessions) +
                                " must be >= 1");
  if (max_sessions < current_sessions)
    throw std::invalid_argument("--max-sessions: " + std::to_string(max_sessions) +
                                " is below the candidate's " + std::to_string(current_sessions) +
                                " sessions (it caps the candidate's total)");
  if (round_sessions < 1)
    throw std::invalid_argument("--round-sessions: " + std::to_string(round_sessions) +
                                " must be >= 1");
  if (!(confidence > 0 && confidence < 1))
    throw std::invalid_argument("confidence: must lie in (0, 1)");
  look_plan p;
  p.first_sessions = current_sessions;
  p.max_sessions = max_sessions;
  p.round_sessions = round_sessions;
  const int rest = max_sessions - current_sessions;
  p.looks = 1 + (rest + round_sessions - 1) / round_sessions;
  p.confidence = confidence;
  return p;
}

std::vector<std::string> unresolved_paths(const comparison& c) {
  // The likeliest culprit first: the largest estimated change for its limit; unjudged last.
  std::vector<std::pair<double, std::string>> open;
  for (const auto& r : c.rows) {
    if (r.metric != "load_p50_ms" || r.status == diff_row::verdict::regressed) continue;
    const bool judged = r.ci && r.limit_at && r.status != diff_row::verdict::inconclusive;
    if (judged && r.ci->hi <= *r.limit_at) continue;
    const double rank = judged && r.change && *r.limit_at > 0 ? *r.change / *r.limit_at : -1e9;
    open.emplace_back(rank, r.scope);
  }
  std::stable_sort(open.begin(), open.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& [rank, path] : open) out.push_back(std::move(path));
  return out;
}

namespace {

/// "--resolve-paths: 2 path(s) still unresolved at the cap: /a +46.2 [+15.2, +76.0] reaches past
/// +20.0, …".
std::string unresolved_reason(const comparison& c, const std::vector<std::string>& paths) {
  std::string s = "--resolve-paths: " + std::to_string(paths.size()) +
                  " path(s) still unresolved at the cap: " + paths.front();
  for (const auto& r : c.rows) {
    if (r.metric != "load_p50_ms" || r.scope != paths.front()) continue;
    char buf[160];
    if (r.change && r.ci && r.limit_at)
      std::snprintf(buf, sizeof buf, " %+.1f ms [%+.1f, %+.1f] reaches past %+.1f ms", *r.change,
                    r.ci->lo, r.ci->hi, *r.limit_at);
    else
      std::snprintf(buf, sizeof buf, " (%s)", r.note.empty() ? "not judged" : r.note.c_str());
    s += buf;
  }
  if (paths.size() > 1) s += ", …";
  return s;
}

}  // namespace

resolve_look resolve(campaign_summary baseline, campaign_summary candidate,
                     const look_plan& plan, thresholds limits, const grow_candidate& grow,
                     const std::function<void(const resolve_look&)>& seen) {
  limits.confidence = plan.per_look_confidence();
  resolve_look l;
  l.looks = plan.looks;
  bool baseline_grows = false;
  for (int k = 0;; ++k) {
    l.look = k;
    l.candidate_sessions = plan.sessions_at(k);
    l.baseline_sessions = baseline_grows ? static_cast<int>(baseline.sessions.size()) : 0;
    l.result = compare(baseline, candidate, limits);
    l.unresolved = plan.until_paths && l.result.result == outcome::pass
                       ? unresolved_paths(l.result)
                       : std::vector<std::string>{};
    if (seen) seen(l);
    const bool open = l.result.result == outcome::inconclusive || !l.unresolved.empty();
    if (!open) return l;
    // A look past the plan would spend α the plan does not have; sessions_at caps at N, so the
    // last planned look is the one that reached it.
    if (k + 1 >= plan.looks || l.candidate_sessions >= plan.max_sessions) {
      // --resolve-paths asked for every path: one still open at the cap is no evidence that it
      // did not get slower, so the PASS (which judged the campaign-wide row) is not given.
      if (l.result.result == outcome::pass) {
        l.result.result = outcome::inconclusive;
        l.result.reason = unresolved_reason(l.result, l.unresolved);
      }
      return l;
    }
    auto g = grow(plan.sessions_at(k + 1) - l.candidate_sessions);
    candidate = std::move(g.candidate);
    if (g.baseline) {
      baseline = std::move(*g.baseline);
      baseline_grows = true;
    }
  }
}

std::string describe_look(const resolve_look& l) {
  char head[160];
  std::snprintf(head, sizeof head, "resolve: look %d/%d, %d candidate sessions", l.look + 1,
                l.looks, l.candidate_sessions);
  std::string s = head;
  if (l.baseline_sessions > 0) s += " (" + std::to_string(l.baseline_sessions) + " baseline)";
  s += ", " + to_string(l.result.result);
  if (!l.unresolved.empty())
    s += " but " + std::to_string(l.unresolved.size()) + " path(s) unresolved (" +
         l.unresolved.front() + (l.unresolved.size() > 1 ? ", …)" : ")");
  for (const auto& r : l.result.rows) {
    if (r.metric != all_paths_metric || r.scope != all_paths_scope) continue;
    char buf[200];
    if (r.change && r.ci)
      std::snprintf(buf, sizeof buf, ", all paths %+.1f %% [%+.1f %%, %+.1f %%]", *r.change,
                    r.ci->lo, r.ci->hi);
    else
      std::snprintf(buf, sizeof buf, ", all paths not judged");
    s += buf;
    if (r.limit_at) {
      std::snprintf(buf, sizeof buf, " (limit %+.1f %%)", *r.limit_at);
      s += buf;
    }
  }
  char tail[80];
  std::snprintf(tail, sizeof tail, " at confidence %.4g", l.result.limits.confidence);
  s += tail;
  if (l.result.sessions_to_resolve)
    s += "; ~" + std::to_string(*l.result.sessions_to_resolve) + " more sessions per side to resolve";
  return s;
}

}  // namespace footfall::analytics
