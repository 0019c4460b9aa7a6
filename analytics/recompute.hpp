#pragma once
/// Where the formulas meet the database: recompute a campaign set-based, record one session's
/// analytics at its end, finish a campaign. The engine and the CLI call these.
#include <cstdint>
#include <vector>

#include "storage/analytics_rows.hpp"
#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::analytics {

/// What a recompute did and how long each phase took (the benchmark prints it).
struct recompute_result {
  int sessions = 0;
  std::int64_t page_visits = 0;
  std::int64_t actions = 0;
  std::int64_t rollup_rows = 0;
  double load_s = 0, compute_s = 0, write_s = 0, rollup_s = 0;
  storage::campaign_analytics_row campaign;
};

/// Recomputes session_analytics for every session of the campaign and its campaign_analytics
/// row: three set-based loads, the formulas in C++, one COPY + upsert; then (when `rollups`)
/// rebuilds the campaign's rollup buckets. `resources` are kept from the stored row when absent.
recompute_result recompute_campaign(storage::connection& c, const storage::uuid& campaign_id,
                                    const storage::resource_usage& resources = {},
                                    bool rollups = true);

/// At session end (engine): computes the session's analytics from its records and the signals
/// the engine measured, stores it, and returns it.
storage::session_analytics_row record_session_analytics(
    storage::connection& c, const storage::session_row& session,
    const std::vector<storage::page_record>& pages, const storage::session_signals& signals);

/// At campaign end (engine): recompute_campaign with the browsers' resource usage.
storage::campaign_analytics_row finish_campaign(storage::connection& c,
                                                const storage::uuid& campaign_id,
                                                const storage::resource_usage& resources);

}  // namespace footfall::analytics
