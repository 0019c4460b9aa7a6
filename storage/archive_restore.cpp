#include "storage/archive_restore.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/archive_files.hpp"
#include "storage/archive_manifest.hpp"
#include "storage/connection_impl.hpp"
#include "storage/detail_sql.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"

namespace footfall::storage {
namespace fs = std::filesystem;
using detail::detail_table;

namespace {

struct loaded_run {
  fs::path dir;
  archive_manifest manifest;
};

// Everything that can be wrong with the archive, found before the first row is written.
void check_archive(connection& c, const std::vector<loaded_run>& runs) {
  for (const auto& r : runs)
    for (const auto& f : r.manifest.files) {
      const auto path = r.dir / f.path;
      if (!fs::is_regular_file(path))
        throw archive_error(path.string() + ": missing from the archive; nothing restored");
      if (sha256_file(path) != f.sha256)
        throw archive_error(path.string() + ": damaged (sha256 does not match the manifest); "
                            "nothing restored");
    }
  const auto applied = applied_migrations(c);
  const int have = applied.empty() ? 0 : std::stoi(applied.back().substr(0, 4));
  for (const auto& r : runs)
    if (r.manifest.schema_version > have)
      throw archive_error(r.dir.string() + ": archived from schema " + r.manifest.schema +
                          ", newer than this database's " +
                          (applied.empty() ? std::string("(none)") : applied.back()) +
                          "; migrate it with a newer footfall first; nothing restored");
}

// personas, campaigns, sessions, page_visits, then other session-linked detail, then detail
// reached through page_visits (a campaign filter finds those through the restored page visits).
int load_rank(const std::string& table, const std::map<std::string, detail_table>& tables) {
  static const std::map<std::string, int> fixed{
      {"personas", 0}, {"campaigns", 1}, {"sessions", 2}, {"page_visits", 3}};
  if (const auto f = fixed.find(table); f != fixed.end()) return f->second;
  const auto t = tables.find(table);
  return t != tables.end() && t->second.via_session ? 4 : 5;
}

class run_loader {
 public:
  run_loader(pqxx::work& tx, const fs::path& dir, std::optional<std::vector<std::string>> campaign_ids,
             const std::map<std::string, detail_table>& tables)
      : tx_(tx), dir_(dir), tables_(tables) {
    if (campaign_ids) {
      std::string ids;
      for (const auto& id : *campaign_ids) ids += (ids.empty() ? "" : ", ") + tx.quote(id) + "::uuid";
      ids_ = "(" + (ids.empty() ? std::string("NULL::uuid") : ids) + ")";
    }
  }

  // Reads the referenced rows (personas, campaigns, sessions) into temp tables: the campaign
  // filter of personas looks at the archived campaigns and sessions.
  void stage(const archive_file& f) {
    tx_.exec("CREATE TEMP TABLE footfall_restore_" + f.table + " (LIKE " + tx_.quote_name(f.table) +
             " INCLUDING DEFAULTS) ON COMMIT DROP");
    copy_file(f, "footfall_restore_" + f.table);
  }

  // Loads one file (referenced rows: staged first); returns the rows that were new.
  std::int64_t load(const archive_file& f) {
    const auto cols = detail::column_list(tx_, f.columns);
    const auto target = tx_.quote_name(f.table);
    const bool ref = f.day.empty();
    if (ids_.empty() && !ref && day_is_empty(f)) return copy_file(f, target);  // nothing can collide
    const auto tmp = ref ? "footfall_restore_" + f.table : std::string("footfall_restore");
    if (!ref) {
      tx_.exec("CREATE TEMP TABLE " + tmp + " (LIKE " + target + " INCLUDING DEFAULTS) ON COMMIT DROP");
      copy_file(f, tmp);
    }
    const auto r = tx_.exec("INSERT INTO " + target + " (" + cols + ") SELECT " + cols + " FROM " +
                            tmp + " t WHERE " + filter(f.table) + " ON CONFLICT DO NOTHING");
    if (!ref) tx_.exec("DROP TABLE " + tmp);
    return std::int64_t(r.affected_rows());
  }

 private:
  bool day_is_empty(const archive_file& f) {
    const auto t = tables_.find(f.table);
    if (t == tables_.end()) return false;
    const auto col = tx_.quote_name(t->second.time_column);
    const auto day = tx_.quote(f.day + " 00:00:00+00") + "::timestamptz";
    return tx_.exec1("SELECT NOT EXISTS (SELECT 1 FROM " + tx_.quote_name(f.table) + " WHERE " +
                     col + " >= " + day + " AND " + col + " < " + day + " + interval '1 day')")[0]
        .as<bool>();
  }

  // Which archived rows (temp table t) belong to the chosen campaign.
  std::string filter(const std::string& table) const {
    if (ids_.empty()) return "true";
    if (table == "campaigns") return "t.id IN " + ids_;
    if (table == "sessions") return "t.campaign_id IN " + ids_;
    if (table == "personas")
      return "t.id IN (SELECT persona_id FROM footfall_restore_campaigns WHERE id IN " + ids_ +
             " UNION SELECT persona_id FROM footfall_restore_sessions WHERE campaign_id IN " + ids_ + ")";
    const auto& d = tables_.at(table);
    const auto sessions = "SELECT id FROM sessions WHERE campaign_id IN " + ids_;
    if (d.via_session) return "t.session_id IN (" + sessions + ")";
    if (d.has_page_arrived_at)
      return "(t.page_visit_id, t.page_arrived_at) IN (SELECT id, arrived_at FROM page_visits "
             "WHERE session_id IN (" + sessions + "))";
    return "t.page_visit_id IN (SELECT id FROM page_visits WHERE session_id IN (" + sessions + "))";
  }

  std::int64_t copy_file(const archive_file& f, const std::string& into) {
    detail::copy_in in{tx_, into, detail::column_list(tx_, f.columns)};
    read_archive_file(dir_ / f.path, [&](std::string_view s) { in.write(s); });
    return in.finish();
  }

  pqxx::work& tx_;
  fs::path dir_;
  const std::map<std::string, detail_table>& tables_;
  std::string ids_;
};

// Checks every file's table and columns against this database.
void check_columns(pqxx::work& tx, const std::vector<loaded_run>& runs) {
  std::map<std::string, std::set<std::string>> have;
  for (const auto& r : runs)
    for (const auto& f : r.manifest.files) {
      if (!have.count(f.table)) {
        if (tx.exec1("SELECT to_regclass(" + tx.quote(f.table) + ") IS NULL")[0].as<bool>())
          throw archive_error((r.dir / f.path).string() + ": table " + f.table +
                              " does not exist in this database; nothing restored");
        const auto cols = detail::copy_columns(tx, f.table);
        have[f.table] = {cols.begin(), cols.end()};
      }
      for (const auto& col : f.columns)
        if (!have[f.table].count(col))
          throw archive_error((r.dir / f.path).string() + ": column " + f.table + "." + col +
                              " does not exist in this database; nothing restored");
    }
}

}  // namespace

restore_report restore_archive(connection& c, const fs::path& dir, const restore_options& o) {
  std::vector<loaded_run> runs;
  for (auto& r : list_archive(dir)) runs.push_back({r.dir, std::move(r.manifest)});
  restore_report report;
  report.runs = runs.size();
  std::optional<std::vector<std::string>> ids;
  if (o.campaign) {
    ids.emplace();
    std::set<std::string> names;
    for (const auto& r : runs)
      for (const auto& k : r.manifest.campaigns) {
        names.insert(k.name);
        if (k.name == *o.campaign && std::find(ids->begin(), ids->end(), k.id) == ids->end())
          ids->push_back(k.id);
      }
    if (ids->empty()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw archive_error("--campaign: no campaign named '" + *o.campaign + "' in " + dir.string() +
                          " (it holds: " + (list.empty() ? "none" : list) + ")");
    }
  }
  try {
    check_archive(c, runs);
    std::map<std::string, detail_table> tables;
    {
      pqxx::work tx{c.get().conn};
      check_columns(tx, runs);
      for (auto& t : detail::detail_tables(tx)) tables.emplace(t.name, t);
    }
    // Day partitions first: ensure_day_partition runs its own transactions.
    for (const auto& r : runs)
      for (const auto& f : r.manifest.files)
        if (!f.day.empty() && std::find(std::begin(partitioned_tables), std::end(partitioned_tables),
                                        f.table) != std::end(partitioned_tables))
          ensure_day_partition(c, f.table, parse_sql_time(f.day + " 12:00:00+00"));
    std::map<std::string, restore_count> counts;
    std::vector<std::string> order;
    for (const auto& r : runs) {
      auto files = r.manifest.files;
      std::stable_sort(files.begin(), files.end(), [&](const auto& a, const auto& b) {
        return load_rank(a.table, tables) < load_rank(b.table, tables);
      });
      pqxx::work tx{c.get().conn};
      run_loader loader{tx, r.dir, ids, tables};
      for (const auto& f : files)
        if (f.day.empty()) loader.stage(f);
      for (const auto& f : files) {
        if (!counts.count(f.table)) order.push_back(f.table), counts[f.table].table = f.table;
        auto& n = counts[f.table];
        const auto added = loader.load(f);
        n.archived += f.rows;
        n.restored += added;
        spdlog::info("restore: {} {}: {} of {} rows new", f.table, f.day.empty() ? "refs" : f.day, added, f.rows);
      }
      tx.commit();
    }
    for (const auto& t : order) report.tables.push_back(counts[t]);
  } catch (const archive_error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error("restoring " + dir.string());
  }
  return report;
}

}  // namespace footfall::storage
