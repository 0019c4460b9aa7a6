// Reads of open-model arrivals (see arrivals.hpp).
#include "storage/arrivals.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/sql_fields.hpp"
#include "storage/transaction.hpp"

namespace footfall::storage {
using detail::opt;
using detail::transact;

std::optional<arrival_stats> load_arrival_stats(connection& c, const uuid& campaign_id) {
  return transact(c, "reading arrivals of campaign " + campaign_id.str(),
                  [&](pqxx::work& tx) -> std::optional<arrival_stats> {
    // elapsed: milliseconds since the epoch (NULL before the first claim: nothing is due yet).
    const auto r = tx.exec_params1(
        "WITH e AS (SELECT extract(epoch FROM now() - arrivals_epoch) * 1000 AS elapsed "
        "FROM campaigns WHERE id = $1) "
        "SELECT count(*), count(*) FILTER (WHERE s.planned_offset_ms <= e.elapsed), "
        "count(*) FILTER (WHERE s.status NOT IN ('pending', 'dropped')), "
        "count(*) FILTER (WHERE s.status NOT IN ('pending', 'dropped') AND "
        "s.start_lateness_ms >= $2), count(*) FILTER (WHERE s.status = 'dropped'), "
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.start_lateness_ms) FILTER (WHERE s.status "
        "NOT IN ('pending', 'dropped')), "
        "percentile_cont(0.95) WITHIN GROUP (ORDER BY s.start_lateness_ms) FILTER (WHERE s.status "
        "NOT IN ('pending', 'dropped')), "
        "max(s.start_lateness_ms) FILTER (WHERE s.status NOT IN ('pending', 'dropped')) "
        "FROM sessions s, e WHERE s.campaign_id = $1 AND s.planned_offset_ms IS NOT NULL",
        campaign_id.str(), static_cast<long long>(late_after_ms));
    if (r[0].as<std::int64_t>() == 0) return std::nullopt;
    arrival_stats a;
    a.planned = r[0].as<std::int64_t>();
    a.due = r[1].as<std::int64_t>();
    a.started = r[2].as<std::int64_t>();
    a.late = r[3].as<std::int64_t>();
    a.dropped = r[4].as<std::int64_t>();
    a.lateness_p50_ms = opt<double>(r[5]);
    a.lateness_p95_ms = opt<double>(r[6]);
    a.lateness_max_ms = opt<double>(r[7]);
    return a;
  });
}

std::vector<arrival_minute> load_arrivals_per_minute(connection& c, const uuid& campaign_id) {
  std::map<int, arrival_minute> by;
  transact(c, "reading arrivals per minute of campaign " + campaign_id.str(), [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(
        "SELECT 'p', (s.planned_offset_ms / 60000)::int, count(*), "
        "count(*) FILTER (WHERE s.status = 'dropped') "
        "FROM sessions s JOIN campaigns c ON c.id = s.campaign_id "
        "WHERE s.campaign_id = $1 AND s.planned_offset_ms IS NOT NULL AND "
        "c.arrivals_epoch IS NOT NULL GROUP BY 2 "
        "UNION ALL SELECT 's', floor(extract(epoch FROM s.started_at - c.arrivals_epoch) / "
        "60)::int, "
        "count(*), 0 FROM sessions s JOIN campaigns c ON c.id = s.campaign_id "
        "WHERE s.campaign_id = $1 AND s.planned_offset_ms IS NOT NULL AND "
        "s.started_at IS NOT NULL AND s.status <> 'dropped' AND c.arrivals_epoch IS NOT NULL "
        "GROUP BY 2",
        campaign_id.str());
    for (const auto& r : rows) {
      const int m = std::max(0, r[1].as<int>());
      auto& x = by[m];
      x.minute = m;
      if (std::string_view(r[0].c_str()) == "p") {
        x.planned += r[2].as<std::int64_t>();
        x.dropped += r[3].as<std::int64_t>();
      } else {
        x.started += r[2].as<std::int64_t>();
      }
    }
  });
  std::vector<arrival_minute> out;
  if (by.empty()) return out;
  for (int m = 0; m <= by.rbegin()->first; ++m) {
    auto it = by.find(m);
    out.push_back(it == by.end() ? arrival_minute{m, 0, 0, 0} : it->second);
  }
  return out;
}

}  // namespace footfall::storage
