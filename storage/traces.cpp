#include "storage/traces.hpp"

#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"

namespace footfall::storage {
using detail::transact;
namespace {

using json = nlohmann::json;

std::int64_t epoch_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
time_point from_epoch_ms(std::int64_t ms) { return time_point(std::chrono::milliseconds(ms)); }

json frames_json(const std::vector<trace_frame>& frames) {
  json a = json::array();
  for (const auto& f : frames)
    a.push_back({{"at_ms", epoch_ms(f.at)},
                 {"visit_order", f.visit_order},
                 {"action_order", f.action_order},
                 {"width", f.width},
                 {"height", f.height},
                 {"jpeg", f.jpeg_base64}});
  return a;
}

json errors_json(const std::vector<trace_error>& errors) {
  json a = json::array();
  for (const auto& e : errors)
    a.push_back({{"at_ms", epoch_ms(e.at)}, {"kind", e.kind}, {"text", e.text}, {"url", e.url}});
  return a;
}

std::vector<trace_frame> parse_frames(const std::string& text) {
  std::vector<trace_frame> out;
  for (const auto& j : json::parse(text))
    out.push_back({from_epoch_ms(j.value("at_ms", std::int64_t{0})), j.value("visit_order", 0),
                   j.value("action_order", 0), j.value("width", 0), j.value("height", 0),
                   j.value("jpeg", std::string())});
  return out;
}

std::vector<trace_error> parse_errors(const std::string& text) {
  std::vector<trace_error> out;
  for (const auto& j : json::parse(text))
    out.push_back({from_epoch_ms(j.value("at_ms", std::int64_t{0})), j.value("kind", std::string()),
                   j.value("text", std::string()), j.value("url", std::string())});
  return out;
}

std::string text_or_empty(const pqxx::field& f) { return f.is_null() ? std::string() : f.c_str(); }

}  // namespace

std::int64_t session_trace::bytes() const {
  std::int64_t n = 0;
  for (const auto& f : frames) n += static_cast<std::int64_t>(f.jpeg_base64.size());
  for (const auto& e : errors) n += static_cast<std::int64_t>(e.text.size() + e.url.size());
  return n;
}

bool insert_trace(connection& c, const session_trace& t) {
  return transact(c, "storing the trace of session " + t.session_id.str(), [&](pqxx::work& tx) {
    // The fence: the same rule as the writer's (storage/writer.hpp), in the statement itself.
    const auto r = tx.exec_params(
        "INSERT INTO session_traces (session_id, attempt, mode, frames, errors, frames_dropped, "
        "errors_dropped, bytes) SELECT $1::uuid, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8 "
        "WHERE $2 = 0 OR EXISTS (SELECT 1 FROM sessions WHERE id = $1::uuid AND attempt = $2 "
        "AND NOT worker_lost) ON CONFLICT (session_id, attempt) DO UPDATE SET mode = "
        "EXCLUDED.mode, captured_at = now(), frames = EXCLUDED.frames, errors = EXCLUDED.errors, "
        "frames_dropped = EXCLUDED.frames_dropped, errors_dropped = EXCLUDED.errors_dropped, "
        "bytes = EXCLUDED.bytes",
        t.session_id.str(), t.attempt, t.mode, frames_json(t.frames).dump(),
        errors_json(t.errors).dump(), t.frames_dropped, t.errors_dropped,
        static_cast<long long>(t.bytes()));
    tx.commit();
    return r.affected_rows() == 1;
  });
}

std::optional<session_trace> load_trace(connection& c, const uuid& session_id) {
  return transact(c, "loading the trace of session " + session_id.str(),
                  [&](pqxx::work& tx) -> std::optional<session_trace> {
    const auto r = tx.exec_params(
        "SELECT attempt, mode, frames::text, errors::text, frames_dropped, errors_dropped FROM "
        "session_traces WHERE session_id = $1::uuid ORDER BY attempt DESC LIMIT 1",
        session_id.str());
    if (r.empty()) return std::nullopt;
    session_trace t;
    t.session_id = session_id;
    t.attempt = r[0][0].as<int>();
    t.mode = r[0][1].c_str();
    t.frames = parse_frames(r[0][2].c_str());
    t.errors = parse_errors(r[0][3].c_str());
    t.frames_dropped = r[0][4].as<int>();
    t.errors_dropped = r[0][5].as<int>();
    return t;
  });
}

std::vector<uuid> traced_sessions(connection& c, const uuid& campaign_id) {
  std::vector<uuid> out;
  transact(c, "listing the traced sessions of campaign " + campaign_id.str(), [&](pqxx::work& tx) {
    for (const auto& row : tx.exec_params(
             "SELECT DISTINCT t.session_id::text FROM session_traces t JOIN sessions s ON s.id = "
             "t.session_id WHERE s.campaign_id = $1::uuid",
             campaign_id.str()))
      if (auto id = uuid::parse(row[0].c_str())) out.push_back(*id);
  });
  return out;
}

namespace {

void read_actions(pqxx::work& tx, traced_session& s) {
  for (const auto& r : tx.exec_params(
           "SELECT pv.visit_order, pv.url, a.action_order, a.action_type::text, "
           "a.element_selector, a.element_text, a.coordinates_x, a.coordinates_y, "
           "a.\"timestamp\", a.duration_ms, a.navigation_kind::text FROM page_visits pv JOIN "
           "actions a "
           "ON a.page_visit_id = pv.id AND a.page_arrived_at = pv.arrived_at WHERE pv.session_id "
           "= $1::uuid ORDER BY pv.visit_order, a.action_order",
           s.row.id.str())) {
    traced_action a;
    a.visit_order = r[0].as<int>();
    a.page_url = r[1].c_str();
    a.action_order = r[2].as<int>();
    a.type = r[3].c_str();
    a.selector = text_or_empty(r[4]);
    a.text = text_or_empty(r[5]);
    if (!r[6].is_null()) a.x = r[6].as<int>();
    if (!r[7].is_null()) a.y = r[7].as<int>();
    a.at = parse_sql_time(r[8].c_str());
    a.duration_ms = r[9].as<int>();
    a.navigation_kind = text_or_empty(r[10]);
    s.actions.push_back(std::move(a));
  }
}

}  // namespace

traced_session load_traced_session(connection& c, const uuid& session_id) {
  traced_session s;
  transact(c, "loading session " + session_id.str(), [&](pqxx::work& tx) {
    const auto r = tx.exec_params(
        "SELECT s.campaign_id::text, c.name, s.session_index, s.status::text, s.error_message, "
        "s.start_url, s.user_agent, s.viewport_width, s.viewport_height, s.session_duration_ms, "
        "s.attempt, s.started_at FROM sessions s JOIN campaigns c ON c.id = s.campaign_id WHERE "
        "s.id = $1::uuid",
        session_id.str());
    if (r.empty()) throw not_found_error("session " + session_id.str() + ": not found");
    s.row.id = session_id;
    s.row.campaign_id = *uuid::parse(r[0][0].c_str());
    s.campaign_name = r[0][1].c_str();
    s.row.session_index = r[0][2].as<int>();
    s.row.status = parse_session_status(r[0][3].c_str()).value_or(session_status::failed);
    if (!r[0][4].is_null()) s.row.error_message = r[0][4].c_str();
    s.row.start_url = r[0][5].c_str();
    s.row.user_agent = r[0][6].c_str();
    s.row.viewport_width = r[0][7].as<int>();
    s.row.viewport_height = r[0][8].as<int>();
    if (!r[0][9].is_null()) s.row.session_duration_ms = r[0][9].as<int>();
    s.row.attempt = r[0][10].as<int>();
    s.row.started_at = parse_sql_time_opt(r[0][11]);
    read_actions(tx, s);
  });
  return s;
}

}  // namespace footfall::storage
