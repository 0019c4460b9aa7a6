#pragma once
// Internal to storage/retention.cpp and storage/archive_*.cpp: the detail tables as the catalog
// has them, which of their rows have expired, and raw COPY through libpq.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

namespace footfall::storage::detail {

/// A table of per-session detail rows. Found in the catalog, so a detail table added by a later
/// migration (`requests`, page health) is archived, restored and expired like the others.
struct detail_table {
  std::string name;         ///< page_visits, actions, requests, session_traces
  std::string time_column;  ///< partition key, else the first NOT NULL timestamptz column
  bool partitioned = false;
  /// How a row reaches its session: a session_id column, or (page_visit_id[, page_arrived_at])
  /// through page_visits (actions keep no session_id).
  bool via_session = true;
  bool has_page_arrived_at = false;
};

/// The detail tables present, page-visit-linked ones first: their expiry is judged through
/// page_visits, which must still be there when they go.
std::vector<detail_table> detail_tables(pqxx::transaction_base& tx);

/// The columns COPY moves (stored generated columns are computed again on load), in order.
std::vector<std::string> copy_columns(pqxx::transaction_base& tx, const std::string& table);
/// "a", "b", ... quoted, prefixed with `alias.` when given.
std::string column_list(pqxx::transaction_base& tx, const std::vector<std::string>& cols,
                        const std::string& alias = "");

/// Whether session s's detail has outlived the policy as of `now`. Pending and running sessions
/// never expire; analytics and the session row itself are never deleted.
std::string expired_sessions_sql(pqxx::transaction_base& tx, const std::string& completed_cut,
                                 const std::string& failed_cut);

/// FROM clause over `relation` (the table or one partition) aliased t, joined to what decides
/// expiry (sessions s), and the condition that the row has expired given the session
/// predicate `expired` over s. Together: "SELECT … FROM <from> WHERE <dead>".
std::string expiry_from(const detail_table& t, const std::string& relation);
std::string expiry_dead(const detail_table& t, const std::string& expired);
/// DELETE of the expired rows of `relation` (same rows as expiry_from + expiry_dead).
std::string expiry_delete(const detail_table& t, const std::string& relation,
                          const std::string& expired);

/// Runs `COPY (query) TO STDOUT` and hands each row's COPY text line (with its '\n') to `sink`.
/// Returns the rows copied.
std::int64_t copy_out(pqxx::dbtransaction& tx, const std::string& query,
                      const std::function<void(std::string_view)>& sink);

/// COPY … FROM STDIN fed with raw COPY text in chunks of any size (no per-row parsing).
class copy_in {
 public:
  copy_in(pqxx::dbtransaction& tx, const std::string& table, const std::string& columns);
  ~copy_in();
  copy_in(const copy_in&) = delete;
  copy_in& operator=(const copy_in&) = delete;
  void write(std::string_view data);
  /// Ends the COPY and returns the rows loaded; throws pqxx::sql_error (with its SQLSTATE) if
  /// the server refused a row.
  std::int64_t finish();

 private:
  pqxx::dbtransaction& tx_;
  std::string query_;
  bool open_ = true;
};

}  // namespace footfall::storage::detail
