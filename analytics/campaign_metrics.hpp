#pragma once
/// campaign_analytics: a campaign's metrics from its sessions' statuses and analytics. Pure.
#include <vector>

#include "storage/analytics_rows.hpp"

namespace footfall::analytics {

/// Computes a campaign_analytics row:
///   total_sessions          all sessions of the campaign (statuses.size())
///   completed_sessions      status completed;  failed_sessions  status failed or timeout
///   success_rate            completed / total (0 for an empty campaign)
///   avg_session_duration_ms, avg_pages_per_session, avg_actions_per_session, avg_rhythm_score
///                           means over the sessions' analytics rows that have the field
///   behavioral_variance     variance across sessions of each session's mean interval between
///                           actions (s²): how different the visitors' pace is; sessions
///                           replaying one script at one pace give ≈ 0
///   detection_risk_score    mean of the sessions' detection_risk_score
///   resources               passed through from the engine's measurements
storage::campaign_analytics_row compute_campaign_analytics(
    const storage::uuid& campaign_id, const std::vector<storage::session_status>& statuses,
    const std::vector<storage::session_analytics_row>& sessions,
    const storage::resource_usage& resources);

}  // namespace footfall::analytics
