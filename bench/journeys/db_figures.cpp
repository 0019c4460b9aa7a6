#include "journeys/db_figures.hpp"

#include <cctype>
#include <pqxx/pqxx>

namespace footfall::bench {

namespace {

constexpr std::string_view frame_hop = " >>frame>> ", shadow_hop = " >>shadow>> ";

/// Actions that press a mouse button on their element (the page sees a mousedown).
bool presses(const std::string& type) {
  return type == "click" || type == "double_click" || type == "right_click" ||
         type == "drag_and_drop";
}

/// The last part of a selector when it is a plain id ("#inner-a"), else "".
std::string last_id(const std::string& selector) {
  const auto cut = selector.rfind(">> ");
  const auto last = cut == std::string::npos ? selector : selector.substr(cut + 3);
  if (last.size() < 2 || last[0] != '#') return "";
  for (char ch : last.substr(1))
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') return "";
  return last;
}

/// Trusted presses the page reported on the element the database names. Frames are matched by
/// their iframe's id, which is the frame's window.name on the fixture pages (frames.html).
int page_presses(const std::vector<page_event>& page, const std::string& selector) {
  const auto id = last_id(selector);
  const bool in_frame = selector.find(frame_hop) != std::string::npos;
  const bool in_shadow = selector.find(shadow_hop) != std::string::npos;
  const auto frame = in_frame ? selector.substr(1, selector.find(frame_hop) - 1) : std::string();
  int n = 0;
  for (const auto& e : page)
    n += e.type == "mousedown" && e.trusted && e.top == !in_frame && e.frame == frame &&
         e.shadow == in_shadow && e.target.ends_with(id);
  return n;
}

void read_sessions(pqxx::work& tx, const std::string& id, db_figures& f) {
  for (const auto& r :
       tx.exec_params("SELECT status::text, coalesce(error_message, ''), count(*) FROM sessions "
                      "WHERE campaign_id = $1 GROUP BY 1, 2",
                      id)) {
    const auto status = r[0].as<std::string>();
    const int n = r[2].as<int>();
    f.sessions_by_status[status] += n;
    if (status == "completed") continue;
    const auto cause = status + " / " + error_class(r[1].as<std::string>());
    f.failed_by_cause[cause] += n;
    f.cause_example.emplace(cause, r[1].as<std::string>().substr(0, 160));
  }
}

void count_action(const std::string& type, const std::string& sel, const std::string& input,
                  const std::string& nav, const std::set<std::string>& cross_site_frames,
                  db_figures& f) {
  if (type == "page_load" || type == "page_unload") return;
  ++f.input_actions;
  const bool in_frame = sel.find(frame_hop) != std::string::npos;
  const bool in_shadow = sel.find(shadow_hop) != std::string::npos;
  f.in_frames += in_frame;
  f.cross_site += in_frame && cross_site_frames.count(sel.substr(0, sel.find(frame_hop)));
  f.in_shadow += in_shadow;
  f.drags += type == "drag_and_drop";
  f.presses_in_frames += in_frame && presses(type);
  f.presses_in_shadow += in_shadow && presses(type);
  if (!nav.empty()) ++f.navigation_kinds[nav];
  const bool redacted = input == "[redacted]";
  f.redacted += redacted;
  f.typed_in_secret_fields += redacted && type == "type";
}

}  // namespace

std::string error_class(const std::string& message) {
  auto cut = message.find(": ");
  std::string c = message.substr(0, cut == std::string::npos ? 60 : std::min<size_t>(cut, 60));
  std::string out;
  for (char ch : c) {
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      if (out.empty() || out.back() != 'N') out += 'N';
    } else {
      out += ch;
    }
  }
  return out.empty() ? "(no message)" : out;
}

db_figures read_db_figures(const std::string& url, const std::string& id,
                           const std::set<std::string>& cross_site_frames,
                           const std::vector<page_event>& page) {
  db_figures f;
  pqxx::connection c{url};
  pqxx::work tx{c};
  read_sessions(tx, id, f);
  // selector -> mousedowns its rows imply (a double click is two), and the first row naming it
  std::map<std::string, std::pair<int, std::string>> pressed;
  for (const auto& r : tx.exec_params(
           "SELECT a.action_type::text, coalesce(a.element_selector, ''), "
           "coalesce(a.input_value, ''), coalesce(a.navigation_kind::text, ''), "
           "'session ' || s.id || ' visit ' || pv.visit_order || ' action ' || a.action_order || "
           "' ' || a.action_type || ' at (' || coalesce(a.coordinates_x, -1) || ',' || "
           "coalesce(a.coordinates_y, -1) || ') outcome ' || coalesce(a.navigation_kind::text, "
           "'-') "
           "FROM actions a JOIN page_visits pv ON pv.id = a.page_visit_id "
           "AND pv.arrived_at = a.page_arrived_at JOIN sessions s ON s.id = pv.session_id "
           "WHERE s.campaign_id = $1",
           id)) {
    const auto type = r[0].as<std::string>(), sel = r[1].as<std::string>();
    count_action(type, sel, r[2].as<std::string>(), r[3].as<std::string>(), cross_site_frames, f);
    // Checked where the page's report can name the same element: an id, and a frame named by
    // its iframe's id.
    const auto hop = sel.find(frame_hop);
    if (presses(type) && !last_id(sel).empty() && (hop == std::string::npos || sel[0] == '#')) {
      auto& p = pressed.emplace(sel, std::pair{0, r[4].as<std::string>()}).first->second;
      p.first += type == "double_click" ? 2 : 1;
    }
  }
  // A page may see more presses than the press rows imply (a field is clicked to focus it before
  // typing), never fewer.
  for (const auto& [sel, p] : pressed) {
    ++f.checked_targets;
    if (const int seen = page_presses(page, sel); seen < p.first)
      f.unseen_targets.push_back(sel + "`: " + std::to_string(p.first) + " in the database, " +
                                 std::to_string(seen) + " on the page (first: " + p.second + ")");
  }
  f.popup_visits = tx.exec_params1(
                         "SELECT count(*) FROM page_visits pv JOIN sessions s ON s.id = "
                         "pv.session_id WHERE s.campaign_id = $1 AND pv.navigation_kind = "
                         "'new_target'",
                         id)[0]
                       .as<int>();
  return f;
}

}  // namespace footfall::bench
