#pragma once
/// Popups and new tabs a session's page opens. Chromium holds each one paused until cdp/ has
/// given it the session's identity (targets.hpp); then the keeper records it as a page visit of
/// the session (arrived when it appeared, its URL and title once it loaded) and closes it — the
/// persona never works in a second tab. All of that runs beside the opener's journey, so a popup
/// never slows the opener; drain() waits for the last one before the session's context closes.
#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// How long to wait for what a click did (cdp::navigation_watch::wait).
struct outcome_budget {
  std::chrono::milliseconds quiet;  ///< for anything to start
  std::chrono::milliseconds load;   ///< for a started cross-document navigation to load
};

/// The budget after a click: a quiet page is decided after 300 ms scaled by pace (at least
/// 50 ms: a click's navigation events arrive within a few ms of its mouseReleased reply), a
/// started navigation gets the campaign's navigation timeout.
outcome_budget click_budget(int navigation_timeout_ms, double pace);

/// Records and closes one session's popups.
class popup_keeper {
 public:
  /// Finished popup visits go to `sink` (on the io thread; must not block).
  popup_keeper(std::function<void(storage::page_record)> sink, storage::uuid session_id);
  /// Starts recording popup `t` of `opener` as visit `visit_order`; returns at once.
  void adopt(cdp::page opener, cdp::target_id t, int visit_order, outcome_budget budget);
  /// Waits (up to `timeout`) until every adopted popup was recorded and closed.
  boost::asio::awaitable<void> drain(std::chrono::milliseconds timeout);
  /// Popups recorded so far.
  int recorded() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace footfall::engine
