// What a click did, and the visit that follows from it.
#include "engine/journey/click_outcome.hpp"

#include <spdlog/spdlog.h>

namespace footfall::engine {

namespace asio = boost::asio;

asio::awaitable<cdp::navigation_outcome> settle_click(action_context c,
                                                      cdp::navigation_watch watch,
                                                      bool expect_navigation) {
  const auto budget =
      click_budget(static_cast<int>(c.navigation_timeout.count()), c.pace, expect_navigation);
  auto out = co_await watch.wait(budget.quiet, budget.load);
  c.recorder->note_navigation(std::string(cdp::to_string(out.kind)));
  if (out.kind == cdp::navigation_kind::new_target) {
    // The persona's rule (engine/journey/popups.hpp); without a keeper (visit, benches): closed.
    const auto rule = c.popups ? c.popups->rule() : popup_rule::close;
    if (rule == popup_rule::record)
      c.popups->adopt(c.page, out.popup, c.recorder->next_visit_order(), budget,
                      c.agent ? c.agent->popup_requests_of(out.popup) : popup_requests{});
    else if (rule == popup_rule::follow)
      c.popups->follow(out.popup);  // taken up by the session runner before the next action
    else {
      // Not a visit: its requests are nobody's, and its log (page health) goes now, not when
      // the opener's page does.
      if (c.agent) c.agent->popup_requests_of(out.popup).release();
      co_await cdp::close_target(c.page.session().conn(), out.popup);
    }
  } else if (out.kind == cdp::navigation_kind::cross_document && !out.loaded) {
    spdlog::info("navigation to {} did not load within {} ms; stopping it", out.url,
                 budget.load.count());
    // Nothing committed: the old document stays. Committed: it is kept as far as it got.
    try {
      co_await c.page.session().send("Page.stopLoading", nlohmann::json::object(),
                                     std::chrono::milliseconds(5000));
    } catch (const cdp::error& e) {
      spdlog::debug("Page.stopLoading: {}", e.what());
    }
  }
  co_return out;
}

asio::awaitable<bool> follow_outcome(action_context c, cdp::navigation_outcome out,
                                     const page_facts* last) {
  const bool route = out.kind == cdp::navigation_kind::same_document;
  const bool document = out.kind == cdp::navigation_kind::cross_document && out.committed;
  if (!route && !document) co_return false;
  c.recorder->leave(last);
  const auto a = co_await c.agent->arrive();
  c.recorder->arrive(a, static_cast<double>(out.waited.count()),
                     route ? "same_document" : "cross_document");
  co_return true;
}

}  // namespace footfall::engine
