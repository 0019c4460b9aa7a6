#include "storage/detail_sql.hpp"

#include <libpq-fe.h>

namespace footfall::storage::detail {
namespace {

// libpqxx 6.4 streams COPY one parsed row at a time (stream_from/stream_to) and keeps the
// connection's PGconn private. largeobject hands it to subclasses (a protected static), which
// lets COPY move raw text in large chunks: the fast path archive and restore are built on.
struct pg_handle : pqxx::largeobject {
  static PGconn* of(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

// Collects the COPY's final result; throws the server's error with its SQLSTATE.
std::int64_t finish_copy(PGconn* conn, const std::string& query) {
  std::string error, state;
  std::int64_t rows = 0;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) == PGRES_COMMAND_OK && *PQcmdTuples(r)) rows = std::stoll(PQcmdTuples(r));
    if (PQresultStatus(r) != PGRES_COMMAND_OK && error.empty()) {
      error = PQresultErrorMessage(r);
      if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    }
    PQclear(r);
  }
  if (!error.empty()) throw pqxx::sql_error(error, query, state.empty() ? nullptr : state.c_str());
  return rows;
}

}  // namespace

std::vector<detail_table> detail_tables(pqxx::transaction_base& tx) {
  std::vector<detail_table> out;
  for (const char* name : {"actions", "requests", "page_visits", "session_traces"}) {
    const auto r = tx.exec1(
        "SELECT c.relkind = 'p', "
        " (SELECT a.attname FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = "
        "  p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partrelid = c.oid), "
        " (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT "
        "  attisdropped AND attnotnull AND atttypid = 'timestamptz'::regtype ORDER BY attnum LIMIT 1), "
        " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attname = 'session_id' AND NOT attisdropped), "
        " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attname = 'page_visit_id' AND NOT attisdropped), "
        " EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attname = 'page_arrived_at' AND NOT attisdropped) "
        "FROM (SELECT to_regclass(" + tx.quote(name) + ") AS oid) x LEFT JOIN pg_class c ON c.oid = x.oid");
    if (r[0].is_null()) continue;  // the table does not exist (yet) in this database
    detail_table t;
    t.name = name;
    t.partitioned = r[0].as<bool>();
    t.time_column = !r[1].is_null() ? r[1].as<std::string>() : r[2].is_null() ? "" : r[2].as<std::string>();
    t.via_session = r[3].as<bool>();
    t.has_page_arrived_at = r[5].as<bool>();
    // A table that reaches no session cannot be expired per session: leave it alone.
    if (t.time_column.empty() || !(t.via_session || r[4].as<bool>())) continue;
    out.push_back(std::move(t));
  }
  // Page-visit-linked tables first (see the header); the loop order above already has them first
  // unless a table carries both links, which is then judged by its session.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return !a.via_session && b.via_session; });
  return out;
}

std::vector<std::string> copy_columns(pqxx::transaction_base& tx, const std::string& table) {
  std::vector<std::string> cols;
  for (const auto& row : tx.exec("SELECT attname FROM pg_attribute WHERE attrelid = " +
                                 tx.quote(table) + "::regclass AND attnum > 0 AND NOT attisdropped "
                                 "AND attgenerated = '' ORDER BY attnum"))
    cols.push_back(row[0].as<std::string>());
  return cols;
}

std::string column_list(pqxx::transaction_base& tx, const std::vector<std::string>& cols,
                        const std::string& alias) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + (alias.empty() ? "" : alias + ".") + tx.quote_name(c);
  return out;
}

std::string expired_sessions_sql(pqxx::transaction_base& tx, const std::string& completed_cut,
                                 const std::string& failed_cut) {
  return "((s.status = 'completed' AND coalesce(s.completed_at, s.created_at) < " +
         tx.quote(completed_cut) + ") OR (s.status IN ('failed', 'timeout') AND "
         "coalesce(s.completed_at, s.created_at) < " + tx.quote(failed_cut) + "))";
}

std::string expiry_from(const detail_table& t, const std::string& relation) {
  if (t.via_session) return relation + " t JOIN sessions s ON s.id = t.session_id";
  return relation + " t LEFT JOIN page_visits pv ON pv.id = t.page_visit_id" +
         (t.has_page_arrived_at ? " AND pv.arrived_at = t.page_arrived_at" : "") +
         " LEFT JOIN sessions s ON s.id = pv.session_id";
}

std::string expiry_dead(const detail_table& t, const std::string& expired) {
  // A row whose page visit is gone is expired too: nothing can reach it any more.
  return t.via_session ? expired : "(s.id IS NULL OR " + expired + ")";
}

std::string expiry_delete(const detail_table& t, const std::string& relation,
                          const std::string& expired) {
  if (t.via_session)
    return "DELETE FROM " + relation + " t USING sessions s WHERE s.id = t.session_id AND " + expired;
  return "DELETE FROM " + relation + " t WHERE NOT EXISTS (SELECT 1 FROM page_visits pv JOIN "
         "sessions s ON s.id = pv.session_id WHERE pv.id = t.page_visit_id" +
         std::string(t.has_page_arrived_at ? " AND pv.arrived_at = t.page_arrived_at" : "") +
         " AND NOT " + expired + ")";
}

std::int64_t copy_out(pqxx::dbtransaction& tx, const std::string& query,
                      const std::function<void(std::string_view)>& sink) {
  const auto sql = "COPY (" + query + ") TO STDOUT";
  tx.exec(sql);
  PGconn* conn = pg_handle::of(tx);
  std::int64_t rows = 0;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn, &buf, 0);
    if (n > 0) {
      ++rows;  // one row per buffer (libpq's contract for COPY OUT)
      try {
        sink({buf, std::size_t(n)});
      } catch (...) {
        PQfreemem(buf);
        // Drain the rest so the connection stays usable for the rollback.
        while (PQgetCopyData(conn, &buf, 0) > 0) PQfreemem(buf);
        finish_copy(conn, sql);
        throw;
      }
      PQfreemem(buf);
      continue;
    }
    if (n == -2) throw pqxx::broken_connection(PQerrorMessage(conn));
    break;  // -1: done
  }
  finish_copy(conn, sql);
  return rows;
}

copy_in::copy_in(pqxx::dbtransaction& tx, const std::string& table, const std::string& columns)
    : tx_(tx), query_("COPY " + table + " (" + columns + ") FROM STDIN") {
  tx_.exec(query_);
}

copy_in::~copy_in() {
  if (!open_) return;
  PGconn* conn = pg_handle::of(tx_);
  PQputCopyEnd(conn, "footfall: restore abandoned");
  while (PGresult* r = PQgetResult(conn)) PQclear(r);
}

void copy_in::write(std::string_view data) {
  if (data.empty()) return;
  PGconn* conn = pg_handle::of(tx_);
  if (PQputCopyData(conn, data.data(), int(data.size())) != 1)
    throw pqxx::broken_connection(PQerrorMessage(conn));
}

std::int64_t copy_in::finish() {
  PGconn* conn = pg_handle::of(tx_);
  open_ = false;
  if (PQputCopyEnd(conn, nullptr) != 1) throw pqxx::broken_connection(PQerrorMessage(conn));
  return finish_copy(conn, query_);
}

}  // namespace footfall::storage::detail
