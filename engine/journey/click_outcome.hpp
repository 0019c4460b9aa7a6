#pragma once
/// Every click ends in a known outcome (issue 9 item 1). The watch is armed before the press;
/// after it, settle_click waits (briefly) for whichever comes first of a cross-document
/// navigation, a same-document one (an SPA route), a popup or a quiet page, and records the kind
/// on the click. follow_outcome turns a route change or a new document into the next visit. A
/// page that never loads is an outcome too: the session goes on.
#include <boost/asio/awaitable.hpp>

#include "cdp/navigation.hpp"
#include "engine/journey/action_context.hpp"
#include "engine/journey/visit_recorder.hpp"

namespace footfall::engine {

/// Waits for what the last recorded click did and stores the kind on it; hands a popup to
/// c.popups (or closes it), stops a navigation that did not load within c.navigation_timeout.
/// `expect_navigation`: the click was meant to navigate (click_budget waits longer for it).
boost::asio::awaitable<cdp::navigation_outcome> settle_click(action_context c,
                                                             cdp::navigation_watch watch,
                                                             bool expect_navigation = false);
/// A route change or a committed new document ends the visit (`last`: the old page's facts,
/// nullptr when gone) and starts the next one. True when a new visit started.
boost::asio::awaitable<bool> follow_outcome(action_context c, cdp::navigation_outcome out,
                                            const page_facts* last);

}  // namespace footfall::engine
