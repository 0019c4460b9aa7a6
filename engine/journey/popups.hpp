#pragma once
/// Popups and new tabs a session's page opens. Chromium holds each one paused until cdp/ has
/// given it the session's identity (targets.hpp); then the persona's rule (persona.popups)
/// decides:
///  * record (the default): the keeper records it as a page visit of the session (arrived when
///    it appeared, its URL and title once it loaded) and closes it, beside the opener's journey,
///    so a popup never slows the opener; drain() waits for the last one before the session's
///    context closes;
///  * follow: the journey goes on in the new tab, as people do after a target=_blank link — the
///    session runner takes it up before the next action (take_follow) and closes the opener;
///  * close: closed at once; the click still records navigation_kind new_target, no visit.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "engine/page/page_agent.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// How long to wait for what a click did (cdp::navigation_watch::wait).
struct outcome_budget {
  std::chrono::milliseconds quiet;  ///< for anything to start
  std::chrono::milliseconds load;   ///< for a started cross-document navigation to load
};

/// The budget after a click: a quiet page is decided after 300 ms scaled by pace (at least
/// 50 ms: on an idle machine a click's navigation events arrive within a few ms of its
/// mouseReleased reply), a started navigation gets the campaign's navigation timeout.
/// `expect_navigation` (a link followed on purpose, a replayed click that navigated): at least
/// 1 s for it to start. Under load the events of a link's navigation came more than 50 ms after
/// the reply (bench_sessions at pace 0, 4 sessions on 2 cores, page health off: 6 of 192
/// follows), and a navigation seen late was a visit lost: the next page's actions were
/// recorded on the old one.
/// The wait is spent only by a link that does not navigate.
outcome_budget click_budget(int navigation_timeout_ms, double pace, bool expect_navigation = false);

/// A persona's rule for popups (storage::persona::popups).
enum class popup_rule { record, follow, close };
/// "follow" and "close" by name; anything else is record (the value was validated before).
popup_rule parse_popup_rule(std::string_view name);

/// Records and closes one session's popups, or notes the one to follow.
class popup_keeper {
 public:
  /// Finished popup visits go to `sink` (on the io thread; must not block).
  popup_keeper(std::function<void(storage::page_record)> sink, storage::uuid session_id,
               popup_rule rule = popup_rule::record);
  popup_rule rule() const;
  /// follow: popup `t` is where the journey goes next (the last one opened wins).
  void follow(cdp::target_id t);
  /// The popup to follow, once (nullopt when none was opened since the last call).
  std::optional<cdp::target_id> take_follow();
  /// Starts recording popup `t` of `opener` as visit `visit_order`; returns at once. `requests`
  /// (page health on): the claim on the popup's request log, released to the recording once
  /// the popup has started and closed with it: its visit's rows.
  void adopt(cdp::page opener, cdp::target_id t, int visit_order, outcome_budget budget,
             popup_requests requests = {});
  /// Waits (up to `timeout`) until every adopted popup was recorded and closed.
  boost::asio::awaitable<void> drain(std::chrono::milliseconds timeout);
  /// Popups recorded so far.
  int recorded() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace footfall::engine
