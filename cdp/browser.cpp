// Browser target: contexts and new pages (flattened sessions over the browser's socket).
#include "cdp/browser.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/page_state.hpp"
#include "cdp/target_setup.hpp"

namespace footfall::cdp {

asio::awaitable<std::shared_ptr<browser>> browser::connect(devtools_endpoint endpoint,
                                                           connection_options options) {
  auto c = co_await connection::open(std::move(endpoint), options);
  co_return std::make_shared<browser>(std::move(c));
}

asio::awaitable<browser_context_id> browser::create_context() {
  auto c = conn_;
  // disposeOnDetach: if footfall's socket dies, Chromium drops the visitor's profile itself.
  json args1 = {{"disposeOnDetach", true}};
  auto r = co_await c->send("Target.createBrowserContext", std::move(args1));
  co_return browser_context_id{r.at("browserContextId").get<std::string>()};
}

asio::awaitable<void> browser::dispose_context(browser_context_id id) {
  auto c = conn_;
  if (targets_) targets_->forget_context(id);
  json args2 = {{"browserContextId", id.value}};
  co_await c->send("Target.disposeBrowserContext", std::move(args2));
}

asio::awaitable<std::shared_ptr<target_registry>> browser::registry() {
  if (!targets_) {
    // Set before the first co_await: a second new_page meanwhile sees it, and its
    // Target.createTarget goes out after our Target.setAutoAttach on the same socket.
    targets_ = std::make_shared<target_registry>(conn_);
    co_await targets_->start();
  }
  co_return targets_;
}

asio::awaitable<page> browser::new_page(browser_context_id context, page_options options) {
  auto self = shared_from_this();
  auto c = conn_;
  auto reg = co_await registry();
  json create = {{"url", "about:blank"}};
  if (!context.empty()) create["browserContextId"] = context.value;
  auto created = co_await c->send("Target.createTarget", std::move(create));
  target_id target{created.at("targetId").get<std::string>()};
  auto attached = co_await reg->claim(target, milliseconds(10000));
  auto p = co_await start_page(c, attached.session, target, context, options, attached.waiting);
  // Sized once, for the page footfall creates (still at about:blank): popups open as tabs of
  // this window or as windows of the size the page asked for, as they would for a person.
  co_await apply_window(c, target, options.screen);
  reg->add_page(p.state());
  co_return p;
}

asio::awaitable<std::string> browser::version() {
  auto c = conn_;
  auto r = co_await c->send("Browser.getVersion");
  co_return r.value("product", std::string());
}

asio::awaitable<void> browser::close() {
  auto c = conn_;
  try {
    co_await c->send("Browser.close", json::object(), {}, std::chrono::milliseconds(5000));
  } catch (const connection_closed&) {
    // The browser may close the socket before it answers: that is the expected outcome.
  }
  c->close();
}

}  // namespace footfall::cdp
