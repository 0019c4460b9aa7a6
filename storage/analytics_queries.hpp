#pragma once
/// The SQL side of analytics: set-based loads of a campaign's facts for the formulas and the
/// reports, upserts of session_analytics / campaign_analytics, and the rollup maintenance
/// (migration 0011). The formulas themselves live in analytics/ (pure C++).
#include <cstdint>
#include <string>
#include <vector>

#include "storage/analytics_rows.hpp"
#include "storage/connection.hpp"

namespace footfall::storage {

/// A campaign named on the command line: its id, or its name when exactly one campaign has it.
/// Throws not_found_error ("campaign 'x': no campaign has this id or name") or
/// std::invalid_argument when a name matches several campaigns (listing their ids).
uuid resolve_campaign(connection& c, const std::string& id_or_name);

/// Every session of the campaign with its page visits and actions reduced to formula inputs,
/// in three set-based queries (sessions, visits, actions — no per-session round trips). Actions
/// are sorted by time within each session. navigator.webdriver comes from an existing
/// session_analytics row (the engine measured it; it cannot be re-derived).
std::vector<session_input> load_session_inputs(connection& c, const uuid& campaign_id);

/// The same for one session (what the engine computes at session end).
session_input load_session_input(connection& c, const uuid& session_id);

/// Inserts or replaces session_analytics rows (by session_id), in one COPY + one upsert.
/// navigator_webdriver keeps its stored value when the new row does not know it.
void upsert_session_analytics(connection& c, const std::vector<session_analytics_row>& rows);

/// Inserts or replaces the campaign's campaign_analytics row. Resource fields the row does not
/// carry (nullopt) keep their stored values, so a recompute does not erase the engine's
/// measurements.
void upsert_campaign_analytics(connection& c, const campaign_analytics_row& row);

/// Reads the stored campaign_analytics row, if any.
std::optional<campaign_analytics_row> load_campaign_analytics(connection& c, const uuid& id);

/// Everything a report needs, in a handful of queries. At most max_clicks click positions are
/// loaded (an even sample of the campaign's clicks).
campaign_dataset load_campaign_dataset(connection& c, const uuid& campaign_id,
                                       std::size_t max_clicks = 20000);

/// Rebuilds every rollup bucket of the campaign (rollup_rebuild_campaign); returns rows written.
std::int64_t rebuild_campaign_rollups(connection& c, const uuid& campaign_id);
/// The incremental refresh over the watermark (rollup_refresh); returns rows written.
std::int64_t refresh_rollups(connection& c);

/// One rollup row, for `footfall analytics rollups` and tests.
struct rollup_row {
  std::string granularity;
  double bucket_ms = 0;  ///< bucket start, Unix epoch ms
  std::string url_path;  ///< "" = whole campaign
  int sessions_started = 0, sessions_completed = 0, sessions_failed = 0, sessions_timeout = 0;
  int page_visits = 0;
  std::int64_t actions = 0;
  std::vector<std::int64_t> actions_by_type;  ///< by action_type
  int load_samples = 0;
  std::optional<double> load_p50_ms, load_p95_ms;
  int console_errors = 0, failed_requests = 0;
};
/// The campaign's rollup rows of one granularity, by bucket then path.
std::vector<rollup_row> load_rollups(connection& c, const uuid& campaign_id,
                                     const std::string& granularity);

}  // namespace footfall::storage
