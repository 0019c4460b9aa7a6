#include "analytics/recompute.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "analytics/campaign_metrics.hpp"
#include "analytics/session_metrics.hpp"
#include "storage/analytics_queries.hpp"

namespace footfall::analytics {
namespace {

double seconds_elapsed(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

recompute_result recompute_campaign(storage::connection& c, const storage::uuid& campaign_id,
                                    const storage::resource_usage& resources, bool rollups) {
  recompute_result r;
  auto t0 = std::chrono::steady_clock::now();
  const auto inputs = storage::load_session_inputs(c, campaign_id);
  r.load_s = seconds_elapsed(t0);

  t0 = std::chrono::steady_clock::now();
  std::vector<storage::session_analytics_row> rows;
  std::vector<storage::session_status> statuses;
  rows.reserve(inputs.size());
  for (const auto& in : inputs) {
    statuses.push_back(in.status);
    r.page_visits += static_cast<std::int64_t>(in.visits.size());
    r.actions += static_cast<std::int64_t>(in.actions.size());
    // Sessions that never started have nothing to measure; they still count in the totals.
    if (in.status == storage::session_status::pending && in.visits.empty()) continue;
    rows.push_back(compute_session_analytics(in));
  }
  r.campaign = compute_campaign_analytics(campaign_id, statuses, rows, resources);
  r.sessions = static_cast<int>(inputs.size());
  r.compute_s = seconds_elapsed(t0);

  t0 = std::chrono::steady_clock::now();
  storage::upsert_session_analytics(c, rows);
  storage::upsert_campaign_analytics(c, r.campaign);
  r.write_s = seconds_elapsed(t0);

  if (rollups) {
    t0 = std::chrono::steady_clock::now();
    r.rollup_rows = storage::rebuild_campaign_rollups(c, campaign_id);
    r.rollup_s = seconds_elapsed(t0);
  }
  spdlog::info("analytics recomputed: campaign={} sessions={} actions={} load_s={:.3f} "
               "compute_s={:.3f} write_s={:.3f} rollup_s={:.3f}",
               campaign_id.str(), r.sessions, r.actions, r.load_s, r.compute_s, r.write_s,
               r.rollup_s);
  return r;
}

storage::session_analytics_row record_session_analytics(
    storage::connection& c, const storage::session_row& session,
    const std::vector<storage::page_record>& pages, const storage::session_signals& signals) {
  auto row = compute_session_analytics(make_session_input(session, pages, signals));
  storage::upsert_session_analytics(c, {row});
  return row;
}

storage::campaign_analytics_row finish_campaign(storage::connection& c,
                                                const storage::uuid& campaign_id,
                                                const storage::resource_usage& resources) {
  return recompute_campaign(c, campaign_id, resources, true).campaign;
}

}  // namespace footfall::analytics
