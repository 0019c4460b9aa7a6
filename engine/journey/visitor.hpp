#pragma once
/// Internal to the session runner: one running session — its identity, plan and limits — and the
/// page layer it drives: the page, its agent (engine/page/page_agent.hpp) and the visit recorder
/// (engine/journey/visit_recorder.hpp). Actions see only an action_context (engine/journey/actions.hpp).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "engine/journey/actions.hpp"
#include "engine/journey/popups.hpp"
#include "engine/journey/session_env.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/observe/trace.hpp"
#include "engine/page/page_agent.hpp"
#include "engine/persona/behaviour.hpp"
#include "engine/persona/rng.hpp"

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

class visitor {
 public:
  visitor(std::shared_ptr<session_env> env, storage::session_row row);

  std::shared_ptr<session_env> env;
  storage::session_row row;
  rng r;
  session_plan plan;
  think_budget thinks;  ///< spreads the plan's duration (engine/persona/behaviour.hpp)
  steady::time_point started = steady::now();
  steady::time_point deadline;

  cdp::page page;
  std::shared_ptr<page_agent> agent;  ///< set once the page exists
  visit_recorder recorder;
  popup_keeper popups;  ///< the page's popups, by the persona's rule (engine/journey/popups.hpp)
  std::vector<storage::page_record> finished;  ///< copies for the session's analytics
  session_tracer tracer;  ///< the session's trace (engine/observe/trace.hpp)

  int actions_done = 0;  ///< user actions performed (for fault injection)
  /// Pages and actions handed to the writer, popups' included: the session row's counts are
  /// these, so they are always what was stored (issue 23).
  int pages_written = 0, actions_written = 0;
  /// The session's time limit ran out: its pages' CDP sessions were cancelled (watchdog).
  bool deadline_hit = false;
  long nav_seq = 0;      ///< main-frame navigations seen (Page.frameNavigated)
  long visit_nav_seq = 0;
  bool crashed = false;  ///< the page's renderer crashed (Inspector.targetCrashed)
  cdp::subscription crash_sub, nav_sub;  ///< on the page the journey is in

  /// What the actions get.
  action_context actions();
  /// The next think time (ms at pace 1; engine/persona/behaviour.hpp): what is left of the plan, spread
  /// over the `actions_left` on page `page_no` (the next one included) and the pages after it.
  double think_ms(int page_no, int actions_left);
  /// Throws session_timeout / session_aborted when it is time to stop.
  void check_limits() const;
  /// What is left of the session's time (zero once past it).
  std::chrono::milliseconds remaining() const;
  /// `budget`, but never past the session's deadline (at least 1 ms).
  std::chrono::milliseconds bounded(std::chrono::milliseconds budget) const;
  /// The watchdog's work at the deadline: every CDP call and event wait of the session's page
  /// fails now (cdp::connection::cancel_session), whatever the page keeps busy.
  void cancel_at_deadline();
  /// Starts the visit of the page that just loaded (`kind`: how it was reached).
  boost::asio::awaitable<void> arrive(double load_ms, const char* kind = "cross_document");
  /// Watches `page` for crashes and main-frame navigations, and traces it; its agent is
  /// installed. The session's first page, and each popup it follows.
  /// `requests`: the page's request log already recording (a followed popup's).
  boost::asio::awaitable<void> take_page(cdp::page p,
                                         std::unique_ptr<request_feed> requests = nullptr);
  /// Persona rule follow: when the last action opened a popup, the journey goes on there (the
  /// opener's visit ends, the opener is closed, the popup is the next visit).
  boost::asio::awaitable<void> follow_popup();
  /// Reads robots.txt once per run (outside the page) when the campaign respects it.
  boost::asio::awaitable<void> ensure_robots();
  /// Follows a random allowed same-origin link by clicking it; false when there is none.
  boost::asio::awaitable<bool> navigate_by_link();
  /// A page navigated by itself (form, script): close the old visit and start the new one.
  boost::asio::awaitable<void> follow_unexpected_navigation();
  /// A trace frame of the page now (full trace mode only), tagged with the last recorded action.
  boost::asio::awaitable<void> trace_frame();

 private:
  /// The writer (and the run's counters) get each finished page.
  void page_finished(storage::page_record rec);
};

}  // namespace footfall::engine
