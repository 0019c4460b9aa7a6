#pragma once
/// What a click (or any input) did to the page: after it, whichever comes first of a
/// cross-document navigation, a same-document navigation (pushState, fragment), a new target
/// (popup, new tab) or a quiet page. A navigation that never reaches its load event is an
/// outcome too, never an error: the caller decides what to do with a page that hangs.
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "cdp/connection.hpp"

namespace footfall::cdp {

class page;

/// The kind of navigation an input caused.
enum class navigation_kind {
  none,            ///< the page stayed quiet for the whole quiet budget
  same_document,   ///< Page.navigatedWithinDocument on the main frame (SPA route, #fragment)
  cross_document,  ///< the main frame requested, committed or loaded a new document
  new_target,      ///< the page opened a popup or tab (Target.attachedToTarget with our opener)
};

/// "none", "same_document", "cross_document", "new_target" (the database's spelling).
std::string_view to_string(navigation_kind k);

/// The outcome of one watch.
struct navigation_outcome {
  navigation_kind kind = navigation_kind::none;
  bool committed = false;  ///< cross_document: the new document replaced the old one
  bool loaded = false;     ///< cross_document: its load event came within the load budget
  std::string url;         ///< the new URL (same/cross document) when the events said it
  target_id popup;         ///< new_target: the new target's id
  milliseconds waited{0};  ///< from the start of wait() to the decision
};

/// The sans-io core: CDP events in arrival order in, outcome out (unit-tested without sockets).
/// The main frame's id is the page's target id in Chromium.
class navigation_tracker {
 public:
  explicit navigation_tracker(target_id self) : self_(std::move(self)) {}
  /// Feeds one event of the page's session (Page.*) or of the browser
  /// (Target.attachedToTarget).
  void on_event(std::string_view method, const json& params);
  /// The outcome is final (same_document, new_target, a loaded or abandoned navigation).
  bool decided() const { return decided_; }
  /// A cross-document navigation is under way: wait up to the load budget, not the quiet one.
  bool navigating() const {
    return !decided_ && !stopped_ && out_.kind == navigation_kind::cross_document;
  }
  /// A requested navigation stopped loading before it committed. Usually it never will (HTTP
  /// 204, a download, a cancelled navigation), but under load the stop of the old document can
  /// come first and the commit just after it: the watch gives the commit a short grace.
  bool stopped_uncommitted() const { return !decided_ && stopped_; }
  /// The budget (or the grace) ran out: whatever is known is the outcome; a navigation that
  /// stopped uncommitted left the old document as it was, which is none.
  void expire() {
    if (stopped_) out_ = navigation_outcome();
    decided_ = true;
  }
  const navigation_outcome& outcome() const { return out_; }

 private:
  target_id self_;
  navigation_outcome out_;
  bool decided_ = false;
  bool stopped_ = false;  ///< see stopped_uncommitted()
};

/// Listens from its creation on (create it before the click), so no event is missed.
class navigation_watch {
 public:
  explicit navigation_watch(const page& p);
  navigation_watch(navigation_watch&&) noexcept = default;
  navigation_watch& operator=(navigation_watch&&) noexcept = default;
  ~navigation_watch();
  /// Waits for the outcome: up to `quiet` for something to start, then up to `load` (from the
  /// start of this wait) for a started cross-document navigation to load; a navigation that
  /// stopped before it committed gets `commit_grace` from the stop (not past `load`).
  asio::awaitable<navigation_outcome> wait(milliseconds quiet, milliseconds load,
                                           milliseconds commit_grace = milliseconds(500));

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace footfall::cdp
