#include "storage/partitions.hpp"

#include <cstdio>
#include <regex>
#include <set>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"

namespace footfall::storage {
using detail::transact;
namespace {
using namespace std::chrono;

// Serializes partition DDL between processes (writers, `db migrate`, `db partitions`).
constexpr long long partition_lock_key = 0x666f6f7470617274LL;  // "footpart"

std::string key_column(const std::string& table) {
  if (table == "page_visits") return "arrived_at";
  if (table == "actions") return "\"timestamp\"";
  if (table == "requests") return "started_at";
  throw std::invalid_argument("not a partitioned table: " + table);
}

std::string day_name(const std::string& table, sys_days d) {
  const year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return table + "_p" + buf;
}

std::string day_literal(sys_days d) { return "'" + to_sql_time(time_point(d)) + "'"; }

std::string insertable_columns(pqxx::work& tx, const std::string& table) {
  // Generated columns (page_visits.dwell_time_ms) cannot be inserted.
  return tx
      .exec1("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
             "WHERE attrelid = " + tx.quote(table) + "::regclass AND attnum > 0 "
             "AND NOT attisdropped AND attgenerated = ''")[0]
      .as<std::string>();
}

bool exists(pqxx::work& tx, const std::string& name) {
  return tx.exec1("SELECT to_regclass(" + tx.quote(name) + ") IS NOT NULL")[0].as<bool>();
}

}  // namespace

bool ensure_day_partition(connection& c, const std::string& table, time_point day) {
  const auto d = floor<days>(day);
  const std::string name = day_name(table, d), key = key_column(table),
                    def = table + "_default";
  const std::string from = day_literal(d), to = day_literal(d + days{1});
  return transact(c, "creating partition " + name, [&](pqxx::work& tx) {
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(partition_lock_key) + ")");
    if (exists(tx, name)) return false;
    const std::string range = key + " >= " + from + " AND " + key + " < " + to;
    const auto strays = tx.exec1("SELECT count(*) FROM " + def + " WHERE " + range)[0].as<long>();
    const std::string create = "CREATE TABLE " + name + " PARTITION OF " + table +
                               " FOR VALUES FROM (" + from + ") TO (" + to + ")";
    if (strays == 0) {
      tx.exec(create);
    } else {
      // PostgreSQL refuses to create a partition whose range has rows in DEFAULT; so, in one
      // transaction, take DEFAULT out, create the day, move its rows over, put DEFAULT back.
      const auto cols = insertable_columns(tx, table);
      tx.exec("ALTER TABLE " + table + " DETACH PARTITION " + def);
      tx.exec(create);
      tx.exec("INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + def +
              " WHERE " + range);
      tx.exec("DELETE FROM " + def + " WHERE " + range);
      tx.exec("ALTER TABLE " + table + " ATTACH PARTITION " + def + " DEFAULT");
      spdlog::info("moved {} rows from {} into new partition {}", strays, def, name);
    }
    tx.commit();
    return true;
  });
}

std::vector<std::string> ensure_partitions(connection& c, time_point now, partition_options o) {
  std::set<std::string> have;
  transact(c, "listing partitions", [&](pqxx::work& tx) {
    for (const auto& row : tx.exec(
             "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid "
             "JOIN pg_class parent ON parent.oid = i.inhparent "
             "WHERE parent.relname IN ('page_visits', 'actions', 'requests')"))
      have.insert(row[0].as<std::string>());
  });
  std::vector<std::string> created;
  const auto today = floor<days>(now);
  for (int i = -o.days_behind; i <= o.days_ahead; ++i) {
    const auto d = today + days{i};
    for (const char* table : partitioned_tables) {
      const auto name = day_name(table, d);
      if (have.count(name)) continue;
      if (ensure_day_partition(c, table, time_point(d))) created.push_back(name);
    }
  }
  return created;
}

std::vector<partition_info> list_partitions(connection& c) {
  std::vector<partition_info> out;
  transact(c, "listing partitions", [&](pqxx::work& tx) {
    const auto rows = tx.exec(
        "SELECT parent.relname, child.relname, pg_get_expr(child.relpartbound, child.oid), "
        "pg_total_relation_size(child.oid) FROM pg_inherits i "
        "JOIN pg_class child ON child.oid = i.inhrelid "
        "JOIN pg_class parent ON parent.oid = i.inhparent "
        "WHERE parent.relname IN ('page_visits', 'actions', 'requests') ORDER BY 1 DESC, 2");
    static const std::regex bounds{R"re(FROM \('([^']+)'\) TO \('([^']+)'\))re"};
    for (const auto& r : rows) {
      partition_info p;
      p.table = r[0].as<std::string>();
      p.name = r[1].as<std::string>();
      const auto expr = r[2].as<std::string>();
      p.is_default = expr == "DEFAULT";
      std::smatch m;
      if (std::regex_search(expr, m, bounds)) {
        p.from = parse_sql_time(m[1]);
        p.to = parse_sql_time(m[2]);
      }
      p.bytes = r[3].as<std::int64_t>();
      p.rows = tx.exec1("SELECT count(*) FROM " + tx.quote_name(p.name))[0].as<std::int64_t>();
      out.push_back(std::move(p));
    }
  });
  // DEFAULT after the dated partitions of its table.
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (a.table != b.table) return a.table > b.table;
    return !a.is_default && b.is_default;
  });
  return out;
}

}  // namespace footfall::storage
