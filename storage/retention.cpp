#include "storage/retention.hpp"

#include <algorithm>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/connection_impl.hpp"
#include "storage/detail_sql.hpp"
#include "storage/errors.hpp"
#include "storage/partitions.hpp"

namespace footfall::storage {
namespace {
using detail::detail_table;

// Counts (live, expired) rows of one relation (a partition, or a whole detail table).
std::pair<std::int64_t, std::int64_t> count_rows(pqxx::work& tx, const detail_table& t,
                                                 const std::string& relation,
                                                 const std::string& expired) {
  const auto dead = detail::expiry_dead(t, expired);
  const auto r = tx.exec1("SELECT count(*) FILTER (WHERE NOT " + dead + "), count(*) FILTER (WHERE " +
                          dead + ") FROM " + detail::expiry_from(t, relation));
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>()};
}

// A planned step, with what the archive needs to know about it.
struct planned {
  retention_step step;
  std::string sql;
  archive_source source;
};

std::vector<planned> plan(pqxx::work& tx, const std::vector<partition_info>& all_parts,
                          time_point now, const retention_policy& policy) {
  // Only partitions entirely older than the shortest horizon can hold expired rows.
  const auto horizon = now - std::min(policy.completed, policy.failed);
  const auto today = std::chrono::floor<std::chrono::days>(now);
  const auto expired = detail::expired_sessions_sql(tx, to_sql_time(now - policy.completed),
                                                    to_sql_time(now - policy.failed));
  std::vector<planned> out;
  // Page-visit-linked tables first: their liveness is judged through page_visits, which must
  // still be there.
  for (const auto& t : detail::detail_tables(tx)) {
    std::vector<const partition_info*> parts;
    for (const auto& p : all_parts)
      if (p.table == t.name) parts.push_back(&p);
    if (parts.empty()) {  // not managed by storage/partitions: rows are deleted from the table
      const auto dead = count_rows(tx, t, t.name, expired).second;
      if (dead > 0)
        out.push_back({{retention_step::kind::delete_rows, t.name, dead, t.name},
                       detail::expiry_delete(t, t.name, expired), {t.name, t.name, false, {}}});
      continue;
    }
    for (const auto* part : parts) {
      if (!part->is_default && !(part->to && *part->to <= horizon && *part->to <= today)) continue;
      const auto rel = tx.quote_name(part->name);
      const auto [live, dead] = count_rows(tx, t, rel, expired);
      // Old, empty day partitions (kept "behind" for late rows) go too once past the horizon.
      if (dead == 0 && (live > 0 || part->is_default)) continue;
      if (live == 0 && !part->is_default) {
        const auto k = policy.detach ? retention_step::kind::detach_partition
                                     : retention_step::kind::drop_partition;
        out.push_back({{k, part->name, dead, t.name},
                       policy.detach ? "ALTER TABLE " + t.name + " DETACH PARTITION " + rel
                                     : "DROP TABLE " + rel,
                       {t.name, part->name, true, part->from}});
      } else {
        out.push_back({{retention_step::kind::delete_rows, part->name, dead, t.name},
                       detail::expiry_delete(t, rel, expired), {t.name, part->name, false, {}}});
      }
    }
  }
  return out;
}

// Carries out one step. With an archive, only rows the archive holds may go: a partition is
// locked and counted before it is dropped, a DELETE that would remove more rows than were
// archived is rolled back.
void apply_step(connection& c, const planned& p, std::optional<std::int64_t> archived) {
  pqxx::work tx{c.get().conn};
  const bool whole = p.step.what == retention_step::kind::drop_partition ||
                     p.step.what == retention_step::kind::detach_partition;
  if (archived && whole) {
    const auto rel = tx.quote_name(p.step.table);
    tx.exec("LOCK TABLE " + rel + " IN ACCESS EXCLUSIVE MODE");
    const auto now_rows = tx.exec1("SELECT count(*) FROM " + rel)[0].as<std::int64_t>();
    if (now_rows != *archived)
      throw database_error("retention: " + p.step.table + " holds " + std::to_string(now_rows) +
                           " rows, the archive " + std::to_string(*archived) +
                           "; left in place (run again)");
  }
  const auto r = tx.exec(p.sql);
  if (archived && !whole && r.affected_rows() > std::size_t(*archived))
    throw database_error("retention: " + std::to_string(r.affected_rows()) + " expired rows in " +
                         p.step.table + ", the archive holds " + std::to_string(*archived) +
                         "; left in place (run again)");
  tx.commit();
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
  try {
    const auto parts = list_partitions(c);
    std::vector<planned> steps;
    {
      pqxx::work tx{c.get().conn};
      steps = plan(tx, parts, now, policy);
      const auto ledger_cut = tx.quote(to_sql_time(now - std::chrono::days{30}));
      const auto old = tx.exec1("SELECT count(*) FROM writer_batches WHERE committed_at < " +
                                ledger_cut)[0].as<std::int64_t>();
      if (old > 0)
        steps.push_back({{retention_step::kind::prune_ledger, "writer_batches", old, ""},
                         "DELETE FROM writer_batches WHERE committed_at < " + ledger_cut, {}});
      tx.commit();
    }
    for (const auto& s : steps) report.steps.push_back(s.step);
    if (!apply) return report;
    std::vector<std::optional<std::int64_t>> archived(steps.size());
    if (policy.archive_dir) {
      std::vector<archive_source> sources;
      std::vector<std::size_t> index;
      for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].step.parent.empty()) continue;  // the ledger is not detail
        // An empty old partition has nothing to archive; it must still be empty when dropped.
        if (steps[i].step.rows == 0) archived[i] = 0;
        else sources.push_back(steps[i].source), index.push_back(i);
      }
      if (!sources.empty()) {
        report.archive = write_archive(c, *policy.archive_dir, now, policy.completed, policy.failed, sources);
        for (std::size_t k = 0; k < index.size(); ++k) archived[index[k]] = report.archive->source_rows[k];
      }
      if (policy.after_archive) policy.after_archive();
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      apply_step(c, steps[i], archived[i]);
      spdlog::info("retention: {}", steps[i].step.describe());
    }
  } catch (const std::system_error&) {
    throw;  // the archive directory: named, a runtime failure
  } catch (...) {
    rethrow_as_storage_error("retention");
  }
  return report;
}

}  // namespace footfall::storage
