#include "storage/retention.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/partitions.hpp"

namespace footfall::storage {
namespace {

// A session whose detail rows have outlived the policy. Pending and running sessions never
// expire; analytics and the session row itself are never deleted.
std::string expired_sql(pqxx::work& tx, time_point now, const retention_policy& p) {
  const auto completed_cut = tx.quote(to_sql_time(now - p.completed));
  const auto failed_cut = tx.quote(to_sql_time(now - p.failed));
  return "((s.status = 'completed' AND coalesce(s.completed_at, s.created_at) < " + completed_cut +
         ") OR (s.status IN ('failed', 'timeout') AND coalesce(s.completed_at, s.created_at) < " +
         failed_cut + "))";
}

// Counts (live, expired) rows of one partition. Actions and requests (the child tables, which
// reference page_visits by (page_visit_id, page_arrived_at)) whose page visit no longer exists are
// expired: nothing can reach them any more.
std::pair<std::int64_t, std::int64_t> count_rows(pqxx::work& tx, const partition_info& part,
                                                 const std::string& expired) {
  std::string q;
  if (part.table == "page_visits")
    q = "SELECT count(*) FILTER (WHERE NOT " + expired + "), count(*) FILTER (WHERE " + expired +
        ") FROM " + part.name + " pv JOIN sessions s ON s.id = pv.session_id";
  else
    q = "SELECT count(*) FILTER (WHERE s.id IS NOT NULL AND NOT " + expired +
        "), count(*) FILTER (WHERE s.id IS NULL OR " + expired + ") FROM " + part.name +
        " a LEFT JOIN page_visits pv ON pv.id = a.page_visit_id AND pv.arrived_at = "
        "a.page_arrived_at LEFT JOIN sessions s ON s.id = pv.session_id";
  const auto r = tx.exec1(q);
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>()};
}

std::string delete_sql(const std::string& partition, const std::string& table,
                       const std::string& expired) {
  if (table == "page_visits")
    return "DELETE FROM " + partition + " pv USING sessions s WHERE s.id = pv.session_id AND " +
           expired;
  return "DELETE FROM " + partition + " a WHERE NOT EXISTS (SELECT 1 FROM page_visits pv JOIN "
         "sessions s ON s.id = pv.session_id WHERE pv.id = a.page_visit_id AND pv.arrived_at = "
         "a.page_arrived_at AND NOT " + expired + ")";
}

}  // namespace

std::string retention_step::describe() const {
  switch (what) {
    case kind::drop_partition:
      return "drop partition " + table + (rows ? " (" + std::to_string(rows) + " rows, all expired)" : " (empty)");
    case kind::detach_partition:
      return "detach partition " + table + (rows ? " (" + std::to_string(rows) + " rows, all expired)" : " (empty)");
    case kind::delete_rows: return "delete " + std::to_string(rows) + " expired rows from " + table;
    case kind::prune_ledger: return "delete " + std::to_string(rows) + " writer_batches entries older than 30 days";
  }
  return {};
}

retention_report run_retention(connection& c, time_point now, const retention_policy& policy,
                               bool apply) {
  retention_report report;
  report.applied = apply;
  // Only partitions entirely older than the shortest horizon can hold expired rows.
  const auto horizon = now - std::min(policy.completed, policy.failed);
  const auto today = std::chrono::floor<std::chrono::days>(now);
  try {
    auto parts = list_partitions(c);
    // actions and requests first: their liveness is judged through page_visits, which must still
    // be there.
    std::stable_sort(parts.begin(), parts.end(), [](auto& a, auto& b) {
      return a.table != "page_visits" && b.table == "page_visits";
    });
    std::vector<std::string> sql;
    pqxx::work tx{c.get().conn};
    const auto expired = expired_sql(tx, now, policy);
    for (const auto& part : parts) {
      if (!part.is_default && !(part.to && *part.to <= horizon && *part.to <= today)) continue;
      const auto [live, dead] = count_rows(tx, part, expired);
      // Old, empty day partitions (kept "behind" for late rows) go too once past the horizon.
      if (dead == 0 && (live > 0 || part.is_default)) continue;
      if (live == 0 && !part.is_default) {
        const auto k = policy.detach ? retention_step::kind::detach_partition
                                     : retention_step::kind::drop_partition;
        report.steps.push_back({k, part.name, dead});
        sql.push_back(policy.detach ? "ALTER TABLE " + part.table + " DETACH PARTITION " + part.name
                                    : "DROP TABLE " + part.name);
      } else {
        report.steps.push_back({retention_step::kind::delete_rows, part.name, dead});
        sql.push_back(delete_sql(part.name, part.table, expired));
      }
    }
    // Session traces (migration 0070) are detail rows too: they go with the session's pages.
    const auto traces = tx.exec1("SELECT count(*) FROM session_traces t JOIN sessions s ON s.id = "
                                 "t.session_id WHERE " + expired)[0].as<std::int64_t>();
    if (traces > 0) {
      report.steps.push_back({retention_step::kind::delete_rows, "session_traces", traces});
      sql.push_back("DELETE FROM session_traces t USING sessions s WHERE s.id = t.session_id AND " +
                    expired);
    }
    const auto ledger_cut = tx.quote(to_sql_time(now - std::chrono::days{30}));
    const auto old = tx.exec1("SELECT count(*) FROM writer_batches WHERE committed_at < " +
                              ledger_cut)[0].as<std::int64_t>();
    if (old > 0) {
      report.steps.push_back({retention_step::kind::prune_ledger, "writer_batches", old});
      sql.push_back("DELETE FROM writer_batches WHERE committed_at < " + ledger_cut);
    }
    tx.commit();
    if (!apply) return report;
    for (std::size_t i = 0; i < sql.size(); ++i) {
      pqxx::work step{c.get().conn};
      step.exec(sql[i]);
      step.commit();
      spdlog::info("retention: {}", report.steps[i].describe());
    }
  } catch (...) {
    rethrow_as_storage_error("retention");
  }
  return report;
}

}  // namespace footfall::storage
