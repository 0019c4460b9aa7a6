#include "storage/connection.hpp"

#include <cstdio>
#include <map>
#include <regex>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"

namespace footfall::storage {
namespace {

// The rule behind each named constraint of storage/migrations, in words, so that a refusal
// reads like a validation message rather than SQL.
const std::map<std::string, std::string>& constraint_rules() {
  static const std::map<std::string, std::string> rules{
      {"personas_name_key", "persona names are unique"},
      {"personas_name_not_blank", "name must not be blank"},
      {"personas_session_duration_min_positive", "session_duration_min > 0"},
      {"personas_session_duration_range", "session_duration_min <= session_duration_max"},
      {"personas_pages_min_positive", "pages_min > 0"},
      {"personas_pages_range", "pages_min <= pages_max"},
      {"personas_actions_per_page_min_nonnegative", "actions_per_page_min >= 0"},
      {"personas_actions_per_page_range", "actions_per_page_min <= actions_per_page_max"},
      {"personas_scroll_probability_range", "scroll_probability in [0, 1]"},
      {"personas_click_probability_range", "click_probability in [0, 1]"},
      {"personas_typing_probability_range", "typing_probability in [0, 1]"},
      {"personas_input_device_known", "input_device is wheel, touchpad or mixed"},
      {"personas_typing_skill_known", "typing_skill is novice, average, expert or mixed"},
      {"personas_popups_known", "popups is record, follow or close"},
      {"campaigns_name_not_blank", "name must not be blank"},
      {"campaigns_total_sessions_positive", "total_sessions > 0"},
      {"campaigns_concurrent_sessions_positive", "concurrent_sessions > 0"},
      {"valid_session_count", "concurrent_sessions <= total_sessions"},
      {"campaigns_rate_limit_delay_ms_min", "rate_limit_delay_ms >= 100"},
      {"campaigns_persona_id_fkey", "persona_id must name an existing persona"},
      {"sessions_campaign_id_fkey", "campaign_id must name an existing campaign"},
      {"sessions_persona_id_fkey", "persona_id must name an existing persona"},
      {"sessions_campaign_index_key", "session_index is unique within a campaign"},
      {"page_visits_session_id_fkey", "session_id must name an existing session"},
      {"page_visits_pkey", "a page visit is written once"},
      {"page_visits_session_id_visit_order_key", "visit_order is unique within a session"},
      {"page_visits_visit_order_positive", "visit_order > 0"},
      {"page_visits_scroll_depth_percent_range", "scroll_depth_percent in [0, 100]"},
      {"page_visits_left_after_arrived", "left_at >= arrived_at"},
      {"actions_pkey", "an action is written once"},
      {"actions_action_order_positive", "action_order > 0"},
      {"actions_page_visit_id_action_order_key", "action_order is unique within a page visit"},
  };
  return rules;
}

std::string first_line(const std::string& s) {
  auto n = s.find('\n');
  return n == std::string::npos ? s : s.substr(0, n);
}

}  // namespace

connection::impl::impl(const database_url& u) : url(u), conn(u) {
  pqxx::nontransaction tx{conn};
  tx.exec("SET TIME ZONE 'UTC'");
}

connection::connection(const database_url& url) {
  try {
    impl_ = std::make_unique<impl>(url);
  } catch (const std::exception& e) {
    throw database_error("cannot connect to " + redact_url(url) + ": " + first_line(e.what()));
  }
}
connection::~connection() = default;
connection::connection(connection&&) noexcept = default;
connection& connection::operator=(connection&&) noexcept = default;

void connection::execute(const std::string& sql) {
  try {
    pqxx::work tx{impl_->conn};
    tx.exec(sql);
    tx.commit();
  } catch (...) {
    rethrow_as_storage_error("execute");
  }
}

const database_url& connection::url() const { return impl_->url; }
connection::impl& connection::get() { return *impl_; }

std::string database_identity(connection& c) {
  auto& conn = c.get().conn;
  try {
    pqxx::work tx{conn};
    // The cluster's system identifier (set once by initdb) tells two servers on one socket or
    // port apart; the name tells databases of one server apart.
    return tx
        .exec1(
            "SELECT (SELECT system_identifier::text FROM pg_control_system()) || '/' || "
            "current_database()")[0]
        .as<std::string>();
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error&) {
    // pg_control_system() not granted to this role: the server's address is the next best.
  }
  pqxx::work tx{conn};
  const auto name = tx.exec1("SELECT current_database()")[0].as<std::string>();
  return std::string("server ") + (conn.hostname() ? conn.hostname() : "?") + ":" +
         (conn.port() ? conn.port() : "?") + "/" + name;
}

std::string redact_url(const database_url& url) {
  // postgresql://user:secret@host/... and password=secret forms.
  static const std::regex userinfo{R"(://([^:/@]*):[^@/]*@)"};
  static const std::regex keyword{R"(password=[^&\s]*)"};
  auto s = std::regex_replace(url, userinfo, "://$1:***@");
  return std::regex_replace(s, keyword, "password=***");
}

[[noreturn]] void rethrow_as_storage_error(const std::string& context) {
  try {
    throw;
  } catch (const pqxx::integrity_constraint_violation& e) {
    static const std::regex name_re{R"re(constraint "([^"]+)")re"};
    std::smatch m;
    const std::string msg = e.what();
    std::string constraint;
    if (std::regex_search(msg, m, name_re)) constraint = m[1];
    std::string text = context + ": " + first_line(msg);
    if (auto it = constraint_rules().find(constraint); it != constraint_rules().end())
      text = context + ": violates " + constraint + " (" + it->second + "): " + first_line(msg);
    // The DETAIL line names the offending key/value; keep it.
    if (auto d = msg.find("DETAIL:"); d != std::string::npos) text += " — " + first_line(msg.substr(d));
    throw constraint_error(text, constraint, e.sqlstate());
  } catch (const pqxx::broken_connection& e) {
    throw database_error(context + ": connection lost: " + first_line(e.what()));
  } catch (const pqxx::sql_error& e) {
    throw database_error(context + ": " + first_line(e.what()) + " [SQLSTATE " + e.sqlstate() + "]");
  } catch (const pqxx::failure& e) {
    throw database_error(context + ": " + first_line(e.what()));
  }
}

bool is_connection_failure(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return true;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e)) return true;
  if (auto* s = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const auto& st = s->sqlstate();
    // Class 08: connection exception; 57P01-03: admin shutdown / crash shutdown / cannot connect.
    return st.rfind("08", 0) == 0 || st == "57P01" || st == "57P02" || st == "57P03";
  }
  return false;
}

std::string to_sql_time(time_point t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  auto days = floor<std::chrono::days>(sys_time<microseconds>(microseconds(us)));
  const year_month_day ymd{days};
  auto rem = us - duration_cast<microseconds>(days.time_since_epoch()).count();
  const long long h = rem / 3'600'000'000LL, m = rem / 60'000'000LL % 60,
                  s = rem / 1'000'000 % 60, f = rem % 1'000'000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld+00", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), h, m, s, f);
  return buf;
}

time_point parse_sql_time(const std::string& s) {
  using namespace std::chrono;
  int Y = 0, M = 0, D = 0, h = 0, m = 0;
  double sec = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%lf", &Y, &M, &D, &h, &m, &sec) != 6)
    throw database_error("unexpected timestamp from the server: " + s);
  // The session runs in UTC, so the offset is +00.
  const auto d0 = sys_days{year{Y} / month(unsigned(M)) / std::chrono::day(unsigned(D))};
  const auto us = microseconds(static_cast<long long>(sec * 1e6 + 0.5));
  return time_point{duration_cast<time_point::duration>(d0.time_since_epoch() + hours(h) +
                                                        minutes(m) + us)};
}

std::optional<time_point> parse_sql_time_opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return parse_sql_time(f.c_str());
}

}  // namespace footfall::storage
