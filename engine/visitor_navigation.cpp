// What a click did to the page, and the visits that follow from it (issue 9 item 1): a quiet
// page, an SPA route change (a new visit of the same document), a new document, or a popup
// (recorded beside the journey by the popup keeper). A page that never loads is an outcome
// too: the session goes on.
#include <spdlog/spdlog.h>

#include "engine/visitor.hpp"

namespace footfall::engine {

namespace asio = boost::asio;

asio::awaitable<cdp::navigation_outcome> visitor::settle_click(cdp::navigation_watch watch,
                                                               std::size_t action_index) {
  const auto budget = click_budget(env->settings.navigation_timeout_ms, env->pace);
  auto out = co_await watch.wait(budget.quiet, budget.load);
  if (action_index < actions.size())
    actions[action_index].navigation_kind = std::string(cdp::to_string(out.kind));
  if (out.kind == cdp::navigation_kind::new_target) {
    popups.adopt(page, out.popup, ++pages, budget);
  } else if (out.kind == cdp::navigation_kind::cross_document && !out.loaded) {
    spdlog::info("session {}: navigation to {} did not load within {} ms; stopping it",
                 row.id.str(), out.url, budget.load.count());
    // The old document stays when nothing committed; a committed one is kept as far as it got.
    try {
      co_await page.session().send("Page.stopLoading", json::object(),
                                   std::chrono::milliseconds(5000));
    } catch (const cdp::error& e) {
      spdlog::debug("Page.stopLoading: {}", e.what());
    }
  }
  co_return out;
}

asio::awaitable<bool> visitor::follow_click(cdp::navigation_outcome out, json stats) {
  if (out.kind == cdp::navigation_kind::same_document) {
    leave(stats);
    co_await arrive(0, "same_document");
    co_return true;
  }
  if (out.kind == cdp::navigation_kind::cross_document && out.committed) {
    leave(stats);
    co_await arrive(static_cast<double>(out.waited.count()));
    co_return true;
  }
  co_return false;
}

}  // namespace footfall::engine
