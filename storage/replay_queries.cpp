// One session's page visits and actions for replay (storage/replay_queries.hpp).
#include "storage/replay_queries.hpp"

#include <map>
#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/repositories.hpp"
#include "storage/sql_fields.hpp"

namespace footfall::storage {
namespace {
using namespace detail;

constexpr const char* visits_sql =
    "SELECT id, url, coalesce(title, ''), visit_order, arrived_at, left_at, console_errors, "
    "navigation_kind::text FROM page_visits WHERE session_id = $1 ORDER BY visit_order";

// Joined on the parent's partition key too, so each visit's actions come from one partition.
constexpr const char* actions_sql =
    "SELECT a.page_visit_id, a.action_type::text, a.element_selector, a.element_text, "
    "a.coordinates_x, a.coordinates_y, a.input_value, a.\"timestamp\", a.action_order, "
    "a.duration_ms, a.navigation_kind::text, a.input_timing::text "
    "FROM page_visits pv JOIN actions a "
    "ON a.page_visit_id = pv.id AND a.page_arrived_at = pv.arrived_at "
    "WHERE pv.session_id = $1 ORDER BY pv.visit_order, a.action_order";

page_visit_row read_recorded_visit(const pqxx::row& r, const uuid& session) {
  page_visit_row v;
  v.id = to_uuid(r[0]);
  v.session_id = session;
  v.url = r[1].as<std::string>();
  v.title = r[2].as<std::string>();
  v.visit_order = r[3].as<int>();
  v.arrived_at = parse_sql_time(r[4].c_str());
  v.left_at = parse_sql_time_opt(r[5]);
  v.console_errors = r[6].as<int>();
  v.navigation_kind = opt_str(r[7]);
  return v;
}

action_row read_recorded_action(const pqxx::row& r) {
  action_row a;
  a.page_visit_id = to_uuid(r[0]);
  a.type = *parse_action_type(r[1].c_str());
  a.element_selector = opt_str(r[2]);
  a.element_text = opt_str(r[3]);
  a.x = opt<int>(r[4]);
  a.y = opt<int>(r[5]);
  a.input_value = opt_str(r[6]);
  a.timestamp = parse_sql_time(r[7].c_str());
  a.action_order = r[8].as<int>();
  a.duration_ms = r[9].as<int>();
  a.navigation_kind = opt_str(r[10]);
  a.input_timing = opt_str(r[11]);
  return a;
}

}  // namespace

std::optional<recording> load_recording(connection& c, const uuid& id) {
  auto s = session_repository(c).find(id);
  if (!s) return std::nullopt;
  recording out{*s, {}};
  try {
    pqxx::read_transaction tx{c.get().conn};
    std::map<std::string, std::size_t> index;
    for (const auto& r : tx.exec_params(visits_sql, id.str())) {
      out.pages.push_back({read_recorded_visit(r, id), {}, {}});
      index[out.pages.back().visit.id.str()] = out.pages.size() - 1;
    }
    for (const auto& r : tx.exec_params(actions_sql, id.str())) {
      auto a = read_recorded_action(r);
      const auto it = index.find(a.page_visit_id.str());
      if (it != index.end()) out.pages[it->second].actions.push_back(std::move(a));
    }
  } catch (...) {
    rethrow_as_storage_error("reading the session's page visits and actions");
  }
  return out;
}

}  // namespace footfall::storage
