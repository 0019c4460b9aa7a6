#include "analytics/campaign_metrics.hpp"

#include <algorithm>

#include "analytics/stats.hpp"

namespace footfall::analytics {

storage::campaign_analytics_row compute_campaign_analytics(
    const storage::uuid& campaign_id, const std::vector<storage::session_status>& statuses,
    const std::vector<storage::session_analytics_row>& sessions,
    const storage::resource_usage& resources) {
  using storage::session_status;
  storage::campaign_analytics_row r;
  r.campaign_id = campaign_id;
  // A dropped arrival never ran (issue 12: the load generator's cap, not the site): it is not a
  // session of the success rate; the report and `campaign show` count drops apart.
  r.total_sessions = static_cast<int>(
      std::count_if(statuses.begin(), statuses.end(),
                    [](auto s) { return s != session_status::dropped; }));
  for (auto s : statuses) {
    if (s == session_status::completed) ++r.completed_sessions;
    if (s == session_status::failed || s == session_status::timeout) ++r.failed_sessions;
  }
  r.success_rate = r.total_sessions ? double(r.completed_sessions) / r.total_sessions : 0.0;

  std::vector<double> duration, pages, actions, rhythm, pace, risk, behaviour, environment;
  for (const auto& s : sessions) {
    duration.push_back(static_cast<double>(s.total_duration_ms));
    pages.push_back(s.pages_visited);
    actions.push_back(s.total_actions);
    if (s.rhythm_score) rhythm.push_back(*s.rhythm_score);
    if (s.mean_interval_s) pace.push_back(*s.mean_interval_s);
    risk.push_back(s.detection_risk_score);
    if (s.behaviour_risk_score) behaviour.push_back(*s.behaviour_risk_score);
    if (s.environment_risk_score) environment.push_back(*s.environment_risk_score);
  }
  r.avg_session_duration_ms = mean(duration);
  if (auto m = mean(pages)) r.avg_pages_per_session = std::min(99.99, *m);
  // The spec's DECIMAL(6,2) / DECIMAL(3,2) columns: clamp rather than fail the whole row.
  if (auto m = mean(actions)) r.avg_actions_per_session = std::min(9999.99, *m);
  r.avg_rhythm_score = mean(rhythm);
  if (pace.size() >= 2) r.behavioral_variance = std::min(999.999, *variance(pace));
  r.detection_risk_score = mean(risk);
  r.behaviour_risk_score = mean(behaviour);
  r.environment_risk_score = mean(environment);
  r.resources = resources;
  if (r.resources.avg_cpu_usage)
    r.resources.avg_cpu_usage = std::clamp(*r.resources.avg_cpu_usage, 0.0, 9.99);
  return r;
}

}  // namespace footfall::analytics
