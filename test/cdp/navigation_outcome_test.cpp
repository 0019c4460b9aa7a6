// The navigation tracker without sockets: CDP events in, outcome out.
#include <doctest/doctest.h>

#include "cdp/navigation.hpp"

using namespace footfall::cdp;

namespace {
const target_id self{"T1"};
json frame_event(const std::string& id) { return {{"frameId", id}}; }
}  // namespace

TEST_CASE("navigation tracker: nothing happened is 'none' once the budget expires") {
  navigation_tracker t(self);
  CHECK_FALSE(t.decided());
  CHECK_FALSE(t.navigating());
  t.expire();
  CHECK(t.decided());
  CHECK(t.outcome().kind == navigation_kind::none);
}

TEST_CASE("navigation tracker: a pushState on the main frame is same_document at once") {
  navigation_tracker t(self);
  t.on_event("Page.navigatedWithinDocument", {{"frameId", "child"}, {"url", "http://x/in-frame"}});
  CHECK_FALSE(t.decided());  // a child frame's route change is not the page's
  t.on_event("Page.navigatedWithinDocument", {{"frameId", "T1"}, {"url", "http://x/spa/a"}});
  CHECK(t.decided());
  CHECK(t.outcome().kind == navigation_kind::same_document);
  CHECK(t.outcome().url == "http://x/spa/a");
}

TEST_CASE("navigation tracker: a cross-document navigation waits for its load") {
  navigation_tracker t(self);
  t.on_event("Page.frameRequestedNavigation",
             {{"frameId", "T1"}, {"url", "http://x/b"}, {"disposition", "currentTab"}});
  CHECK(t.navigating());
  CHECK(t.outcome().kind == navigation_kind::cross_document);
  CHECK_FALSE(t.outcome().committed);
  t.on_event("Page.loadEventFired", json::object());  // the old document's load: not ours
  CHECK_FALSE(t.decided());
  t.on_event("Page.frameNavigated", {{"frame", {{"id", "T1"}, {"url", "http://x/b"}}}});
  CHECK(t.outcome().committed);
  CHECK(t.navigating());
  t.on_event("Page.loadEventFired", json::object());
  CHECK(t.decided());
  CHECK(t.outcome().loaded);
  CHECK(t.outcome().url == "http://x/b");
}

TEST_CASE("navigation tracker: a navigation that never loads is still cross_document") {
  navigation_tracker t(self);
  t.on_event("Page.frameNavigated", {{"frame", {{"id", "T1"}, {"url", "http://x/slow"}}}});
  t.expire();
  CHECK(t.outcome().kind == navigation_kind::cross_document);
  CHECK(t.outcome().committed);
  CHECK_FALSE(t.outcome().loaded);
}

TEST_CASE("navigation tracker: a requested navigation that stops uncommitted (204) is none") {
  navigation_tracker t(self);
  t.on_event("Page.frameRequestedNavigation", {{"frameId", "T1"}, {"url", "http://x/204"}});
  t.on_event("Page.frameStoppedLoading", frame_event("T1"));
  CHECK(t.stopped_uncommitted());  // the watch now waits a short grace for a commit
  CHECK_FALSE(t.navigating());     // not the load budget: the grace
  CHECK_FALSE(t.decided());
  t.expire();  // no commit came
  CHECK(t.decided());
  CHECK(t.outcome().kind == navigation_kind::none);
  CHECK(t.outcome().url.empty());
}

TEST_CASE("navigation tracker: a commit just after the old document stopped is still followed") {
  // Seen under load: the link's navigation was recorded as none because the stop came first.
  navigation_tracker t(self);
  t.on_event("Page.frameRequestedNavigation", {{"frameId", "T1"}, {"url", "http://x/b"}});
  t.on_event("Page.frameStoppedLoading", frame_event("child"));  // a child frame's: not ours
  CHECK_FALSE(t.stopped_uncommitted());
  t.on_event("Page.frameStoppedLoading", frame_event("T1"));
  CHECK(t.stopped_uncommitted());
  t.on_event("Page.frameNavigated", {{"frame", {{"id", "T1"}, {"url", "http://x/b"}}}});
  CHECK_FALSE(t.stopped_uncommitted());
  CHECK(t.navigating());
  t.on_event("Page.loadEventFired", json::object());
  CHECK(t.decided());
  CHECK(t.outcome().kind == navigation_kind::cross_document);
  CHECK(t.outcome().committed);
  CHECK(t.outcome().loaded);
}

TEST_CASE("navigation tracker: a new request after a stop is waited for with the load budget") {
  navigation_tracker t(self);
  t.on_event("Page.frameRequestedNavigation", {{"frameId", "T1"}, {"url", "http://x/204"}});
  t.on_event("Page.frameStoppedLoading", frame_event("T1"));
  CHECK(t.stopped_uncommitted());
  t.on_event("Page.frameRequestedNavigation", {{"frameId", "T1"}, {"url", "http://x/c"}});
  CHECK_FALSE(t.stopped_uncommitted());
  CHECK(t.navigating());
  t.expire();  // the load budget ran out before a commit: still the navigation, not none
  CHECK(t.outcome().kind == navigation_kind::cross_document);
  CHECK(t.outcome().url == "http://x/c");
}

TEST_CASE("navigation tracker: child frames and new-tab requests are not the page's navigation") {
  navigation_tracker t(self);
  t.on_event("Page.frameNavigated",
             {{"frame", {{"id", "F2"}, {"parentId", "T1"}, {"url", "http://x/ad"}}}});
  t.on_event("Page.frameRequestedNavigation",
             {{"frameId", "T1"}, {"url", "http://x/new"}, {"disposition", "newTab"}});
  CHECK_FALSE(t.navigating());
  CHECK_FALSE(t.decided());
}

TEST_CASE("navigation tracker: a page this page opened is new_target, others are not") {
  navigation_tracker t(self);
  t.on_event("Target.attachedToTarget",
             {{"sessionId", "S9"},
              {"targetInfo", {{"targetId", "T9"}, {"type", "page"}, {"openerId", "T7"}}}});
  CHECK_FALSE(t.decided());
  t.on_event("Target.attachedToTarget",
             {{"sessionId", "S8"},
              {"targetInfo",
               {{"targetId", "T8"}, {"type", "page"}, {"openerId", "T1"}, {"url", "about:blank"}}}});
  CHECK(t.decided());
  CHECK(t.outcome().kind == navigation_kind::new_target);
  CHECK(t.outcome().popup == target_id{"T8"});
}

TEST_CASE("navigation tracker: the database's spelling of each kind") {
  CHECK(to_string(navigation_kind::none) == "none");
  CHECK(to_string(navigation_kind::same_document) == "same_document");
  CHECK(to_string(navigation_kind::cross_document) == "cross_document");
  CHECK(to_string(navigation_kind::new_target) == "new_target");
}
