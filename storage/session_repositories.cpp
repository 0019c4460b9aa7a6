// sessions (materialize, claim, release) and read-back of page visits and actions.
#include <algorithm>

#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"
#include "storage/repositories.hpp"
#include "storage/session_sql.hpp"
#include "storage/sql_fields.hpp"
#include "storage/validation.hpp"

namespace footfall::storage {
namespace {
using namespace detail;

constexpr const char* session_cols =
    "id, campaign_id, persona_id, session_index, status, start_url, user_agent, viewport_width, "
    "viewport_height, session_duration_ms, pages_visited, total_actions, error_message, "
    "screenshot_path, created_at, started_at, completed_at, attempt, claimed_by, lease_expires_at, "
    "planned_offset_ms, start_lateness_ms, text_repairs, rows_rejected";

session_row read_session(const pqxx::row& r) {
  session_row s;
  s.id = to_uuid(r[0]);
  s.campaign_id = to_uuid(r[1]);
  s.persona_id = to_uuid(r[2]);
  s.session_index = r[3].as<int>();
  s.status = *parse_session_status(r[4].c_str());
  s.start_url = r[5].as<std::string>();
  s.user_agent = r[6].as<std::string>();
  s.viewport_width = r[7].as<int>();
  s.viewport_height = r[8].as<int>();
  s.session_duration_ms = opt<int>(r[9]);
  s.pages_visited = r[10].as<int>();
  s.total_actions = r[11].as<int>();
  s.error_message = opt_str(r[12]);
  s.screenshot_path = opt_str(r[13]);
  s.created_at = parse_sql_time(r[14].c_str());
  s.started_at = parse_sql_time_opt(r[15]);
  s.completed_at = parse_sql_time_opt(r[16]);
  s.attempt = r[17].as<int>();
  s.claimed_by = opt_str(r[18]);
  s.lease_expires_at = parse_sql_time_opt(r[19]);
  s.planned_offset_ms = opt<std::int64_t>(r[20]);
  s.start_lateness_ms = opt<std::int64_t>(r[21]);
  s.text_repairs = r[22].as<int>();
  s.rows_rejected = r[23].as<int>();
  return s;
}

constexpr const char* visit_cols =
    "id, session_id, url, coalesce(title, ''), visit_order, arrived_at, left_at, actions_count, "
    "scroll_depth_percent, ttfb_ms, dom_content_loaded_ms, load_ms, console_errors, failed_requests, "
    "text_repairs, lcp_ms, cls, inp_ms, fcp_ms, request_count";

page_visit_row read_visit(const pqxx::row& r) {
  page_visit_row v;
  v.id = to_uuid(r[0]);
  v.session_id = to_uuid(r[1]);
  v.url = r[2].as<std::string>();
  v.title = r[3].as<std::string>();
  v.visit_order = r[4].as<int>();
  v.arrived_at = parse_sql_time(r[5].c_str());
  v.left_at = parse_sql_time_opt(r[6]);
  v.actions_count = r[7].as<int>();
  v.scroll_depth_percent = r[8].as<int>();
  v.ttfb_ms = opt<double>(r[9]);
  v.dom_content_loaded_ms = opt<double>(r[10]);
  v.load_ms = opt<double>(r[11]);
  v.console_errors = r[12].as<int>();
  v.failed_requests = r[13].as<int>();
  v.text_repairs = r[14].as<int>();
  v.lcp_ms = opt<double>(r[15]);
  v.cls = opt<double>(r[16]);
  v.inp_ms = opt<double>(r[17]);
  v.fcp_ms = opt<double>(r[18]);
  v.request_count = opt<int>(r[19]);
  return v;
}

constexpr const char* action_cols =
    "a.id, a.page_visit_id, a.page_arrived_at, a.action_type, a.element_selector, a.element_text, "
    "a.coordinates_x, a.coordinates_y, a.input_value, a.\"timestamp\", a.action_order, a.duration_ms, "
    "a.input_timing::text";

action_row read_action(const pqxx::row& r) {
  action_row a;
  a.id = to_uuid(r[0]);
  a.page_visit_id = to_uuid(r[1]);
  a.page_arrived_at = parse_sql_time(r[2].c_str());
  a.type = *parse_action_type(r[3].c_str());
  a.element_selector = opt_str(r[4]);
  a.element_text = opt_str(r[5]);
  a.x = opt<int>(r[6]);
  a.y = opt<int>(r[7]);
  a.input_value = opt_str(r[8]);
  a.timestamp = parse_sql_time(r[9].c_str());
  a.action_order = r[10].as<int>();
  a.duration_ms = r[11].as<int>();
  a.input_timing = opt_str(r[12]);
  return a;
}


}  // namespace

namespace detail {
const char* const session_columns = session_cols;
session_row read_session_row(const pqxx::row& r) { return read_session(r); }
}  // namespace detail

// ---- sessions ---------------------------------------------------------------------------------

std::int64_t session_counts::total() const {
  std::int64_t n = 0;
  for (auto& [s, c] : by_status) n += c;
  return n;
}
std::int64_t session_counts::of(session_status s) const {
  auto it = by_status.find(s);
  return it == by_status.end() ? 0 : it->second;
}

std::size_t session_repository::materialize(const std::vector<session_row>& pending) {
  for (const auto& s0 : pending) {
    auto s = s0;
    if (s.id.is_nil()) s.id = uuid::v7();
    check(s);
  }
  std::size_t inserted = 0;
  transact(c_, "materializing sessions", [&](pqxx::work& tx) {
    for (const auto& s : pending) {
      const auto r = tx.exec_params(
          "INSERT INTO sessions (id, campaign_id, persona_id, session_index, status, start_url, "
          "user_agent, viewport_width, viewport_height, planned_offset_ms) "
          "VALUES ($1,$2,$3,$4,'pending',$5,$6,$7,$8,$9) "
          "ON CONFLICT (campaign_id, session_index) DO NOTHING",
          (s.id.is_nil() ? uuid::v7() : s.id).str(), s.campaign_id.str(), s.persona_id.str(),
          s.session_index, s.start_url, s.user_agent, s.viewport_width, s.viewport_height,
          s.planned_offset_ms);
      inserted += r.affected_rows();
    }
    tx.commit();
  });
  return inserted;
}

std::vector<session_row> session_repository::claim(const uuid& campaign_id, int max,
                                                   std::string_view worker) {
  std::vector<session_row> out;
  if (max <= 0) return out;
  transact(c_, "claiming sessions", [&](pqxx::work& tx) {
    // SKIP LOCKED: concurrent workers each take different rows instead of queueing on the same.
    const auto rows = tx.exec_params(
        std::string("UPDATE sessions SET status='running', started_at=now(), claimed_by=$3, "
                    "lease_expires_at=now() + interval '30 seconds' "
                    "WHERE id IN (SELECT id FROM sessions WHERE campaign_id=$1 AND status='pending' "
                    "ORDER BY session_index LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING ") +
            session_cols,
        campaign_id.str(), max, std::string(worker));
    tx.commit();
    for (const auto& r : rows) out.push_back(read_session(r));
  });
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.session_index < b.session_index; });
  return out;
}

std::optional<session_row> session_repository::find(const uuid& id) {
  return read_first(c_, "reading session " + id.str(),
                    std::string("SELECT ") + session_cols + " FROM sessions WHERE id=$1",
                    read_session, id.str());
}

std::vector<session_row> session_repository::list(const uuid& campaign_id) {
  return read_rows(c_, "listing sessions",
                   std::string("SELECT ") + session_cols +
                       " FROM sessions WHERE campaign_id=$1 ORDER BY session_index",
                   read_session, campaign_id.str());
}

session_counts session_repository::counts(const uuid& campaign_id) {
  return transact(c_, "counting sessions", [&](pqxx::work& tx) {
    session_counts c;
    // A running session whose lease has expired belongs to a lost worker (storage/leases.hpp).
    for (const auto& r : tx.exec_params(
             "SELECT status, count(*), count(*) FILTER (WHERE status = 'running' AND "
             "lease_expires_at < now()), sum(rows_rejected), count(*) FILTER (WHERE "
             "rows_rejected > 0) FROM sessions WHERE campaign_id=$1 GROUP BY status",
             campaign_id.str())) {
      c.by_status[*parse_session_status(r[0].c_str())] = r[1].as<std::int64_t>();
      c.lost += r[2].as<std::int64_t>();
      c.rows_rejected += r[3].as<std::int64_t>();
      c.sessions_with_rejected_rows += r[4].as<std::int64_t>();
    }
    return c;
  });
}

std::int64_t session_repository::text_repairs(const uuid& campaign_id) {
  return read_scalar<std::int64_t>(
      c_, "counting text repairs",
      "SELECT (SELECT coalesce(sum(text_repairs), 0) FROM sessions WHERE campaign_id = $1) + "
      "(SELECT coalesce(sum(pv.text_repairs), 0) FROM page_visits pv JOIN sessions s ON "
      "s.id = pv.session_id WHERE s.campaign_id = $1)",
      campaign_id.str());
}

std::size_t session_repository::release(const uuid& campaign_id, std::string_view worker) {
  return transact(c_, "releasing sessions", [&](pqxx::work& tx) {
    auto r = tx.exec_params(
        "UPDATE sessions SET status='pending', started_at=NULL, claimed_by=NULL "
        "WHERE campaign_id=$1 AND status='running' AND claimed_by=$2",
        campaign_id.str(), std::string(worker));
    tx.commit();
    return r.affected_rows();
  });
}

// ---- page visits and actions ------------------------------------------------------------------

std::vector<page_visit_row> visit_repository::page_visits(const uuid& session_id) {
  return read_rows(c_, "reading page visits",
                   std::string("SELECT ") + visit_cols +
                       " FROM page_visits WHERE session_id=$1 ORDER BY visit_order",
                   read_visit, session_id.str());
}

std::vector<action_row> visit_repository::actions(const uuid& page_visit_id) {
  return read_rows(c_, "reading actions",
                   std::string("SELECT ") + action_cols +
                       " FROM actions a WHERE a.page_visit_id=$1 ORDER BY a.action_order",
                   read_action, page_visit_id.str());
}

std::vector<page_record> visit_repository::pages(const uuid& session_id) {
  std::vector<page_record> out;
  for (auto& v : page_visits(session_id)) out.push_back({v, {}, {}});
  transact(c_, "reading actions", [&](pqxx::work& tx) {
    const auto rows = tx.exec_params(
        std::string("SELECT ") + action_cols +
            " FROM actions a JOIN page_visits pv ON pv.id = a.page_visit_id AND pv.arrived_at = "
            "a.page_arrived_at WHERE pv.session_id=$1 ORDER BY pv.visit_order, a.action_order",
        session_id.str());
    std::size_t i = 0;
    for (const auto& r : rows) {
      auto a = read_action(r);
      while (i < out.size() && out[i].visit.id != a.page_visit_id) ++i;
      if (i < out.size()) out[i].actions.push_back(std::move(a));
    }
  });
  return out;
}

std::int64_t visit_repository::count_actions(const uuid& session_id) {
  return read_scalar<std::int64_t>(
      c_, "counting actions",
      "SELECT count(*) FROM actions a JOIN page_visits pv ON pv.id = a.page_visit_id AND "
      "pv.arrived_at = a.page_arrived_at WHERE pv.session_id=$1",
      session_id.str());
}

}  // namespace footfall::storage
