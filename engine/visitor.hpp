#pragma once
/// Internal to the session runner: the state of one running session and its actions.
/// session_runner.cpp holds the lifecycle and navigation, session_actions.cpp the actions.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/input_model.hpp"
#include "cdp/navigation.hpp"
#include "cdp/page.hpp"
#include "engine/behaviour.hpp"
#include "engine/links.hpp"
#include "engine/popups.hpp"
#include "engine/rng.hpp"
#include "engine/session_runner.hpp"

namespace footfall::engine {

/// Thrown between actions when the session passed its time limit.
struct session_timeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Thrown between actions when the run is being aborted (second SIGTERM).
struct session_aborted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using steady = std::chrono::steady_clock;
using json = nlohmann::json;

class visitor {
 public:
  visitor(std::shared_ptr<session_env> env, storage::session_row row);

  std::shared_ptr<session_env> env;
  storage::session_row row;
  rng r;
  session_plan plan;
  cdp::page page;
  steady::time_point started = steady::now();
  steady::time_point deadline;

  // The page being visited.
  storage::page_visit_row visit;
  std::vector<storage::action_row> actions;
  std::vector<link_candidate> links;
  bool in_visit = false;
  int pages = 0;
  int total_actions = 0;
  int actions_done = 0;  ///< user actions performed (for fault injection)
  long nav_seq = 0;      ///< main-frame navigations seen (Page.frameNavigated)
  long visit_nav_seq = 0;
  bool scroll_pending = false;                 ///< wheel/scroll keys sent since the last evaluate
  std::vector<storage::page_record> finished;  ///< copies for the session's analytics
  std::optional<bool> webdriver;               ///< navigator.webdriver as the page saw it
  popup_keeper popups;                         ///< records and closes the page's popups

  /// Throws session_timeout / session_aborted when it is time to stop.
  void check_limits() const;
  /// Sleeps a paced human duration (plus --slow-mo).
  boost::asio::awaitable<void> pause(double human_ms);
  /// Evaluates __footfall.<call> in the page.
  boost::asio::awaitable<json> call(const std::string& call);

  /// Starts a visit of the page that just loaded (one evaluate), recording page_load;
  /// `kind` is how the visitor got there (cross_document, same_document).
  boost::asio::awaitable<void> arrive(double load_started_ms_ago,
                                      const char* kind = "cross_document");
  /// Ends the current visit with the page's final facts; records page_unload; hands the page
  /// to the writer.
  void leave(const json& stats);
  /// Appends an action to the current visit.
  storage::action_row& record(storage::action_type t, const json* target,
                              std::chrono::system_clock::time_point at, steady::time_point t0);

  /// Loads robots.txt through the page once per run when the campaign respects it.
  boost::asio::awaitable<void> ensure_robots();
  /// Follows a random allowed same-origin link by clicking it; false when there is none.
  boost::asio::awaitable<bool> navigate_by_link();
  /// One mid-page action of the given type (falls back to scrolling when no target fits).
  boost::asio::awaitable<void> perform(storage::action_type t);
  /// Waits for what the click recorded as actions[action_index] did (visitor_navigation.cpp):
  /// stores the navigation kind on it, hands a popup to `popups`, stops a navigation that
  /// never committed. Never throws for a page that does not load.
  boost::asio::awaitable<cdp::navigation_outcome> settle_click(cdp::navigation_watch watch,
                                                               std::size_t action_index);
  /// After settle_click: a route change (same document) or a new document becomes a new visit
  /// (`stats` closes the old one). Returns true when the visitor is on a new visit.
  boost::asio::awaitable<bool> follow_click(cdp::navigation_outcome outcome, json stats);
  /// A page navigated by itself (form, script): close the old visit and start the new one.
  boost::asio::awaitable<void> follow_unexpected_navigation();

  // Actions (session_actions.cpp).
  boost::asio::awaitable<void> move_to(double x, double y, double width);
  /// Moves to (x, y) and clicks: human path and pauses, or at pace 0 one pipelined burst.
  boost::asio::awaitable<void> click_at(double x, double y, double width,
                                        cdp::mouse_button button = cdp::mouse_button::left,
                                        int count = 1);
  bool fast() const { return env->pace <= 0 && env->slow_mo_ms == 0; }
  boost::asio::awaitable<void> do_scroll();
  boost::asio::awaitable<bool> do_click(storage::action_type t);
  boost::asio::awaitable<bool> do_hover();
  boost::asio::awaitable<bool> do_type();
  boost::asio::awaitable<bool> do_clear();
  boost::asio::awaitable<bool> do_select();
  boost::asio::awaitable<bool> do_drag();
  boost::asio::awaitable<void> do_key_press();
  boost::asio::awaitable<bool> do_scroll_to_element();
  /// Records scroll_to_element when the picker had to scroll the target into view.
  void note_scroll_into_view(const json& target, std::chrono::system_clock::time_point at,
                             steady::time_point t0);
};

/// Text a visitor types into a field, chosen from the field's type and name.
std::string text_for_field(const std::string& type, const std::string& name, rng& r);

}  // namespace footfall::engine
