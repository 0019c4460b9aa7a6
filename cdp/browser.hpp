#pragma once
/// A connected browser: contexts and pages over its single WebSocket.
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "cdp/connection.hpp"
#include "cdp/page.hpp"
#include "cdp/targets.hpp"

namespace footfall::cdp {

/// The browser target of one connection. Pages are attached in flatten mode and share the
/// socket; contexts isolate cookies and storage (one per simulated visitor).
class browser : public std::enable_shared_from_this<browser> {
 public:
  /// Connects to a launched (or already running) browser.
  static asio::awaitable<std::shared_ptr<browser>> connect(
      devtools_endpoint endpoint, connection_options options = connection_options());
  explicit browser(std::shared_ptr<connection> c) : conn_(std::move(c)) {}

  /// A new isolated context (Target.createBrowserContext).
  asio::awaitable<browser_context_id> create_context();
  /// Closes a context and every page in it (Target.disposeBrowserContext).
  asio::awaitable<void> dispose_context(browser_context_id id);
  /// Opens about:blank in `context` (empty = default context). Chromium holds the new target
  /// paused (auto-attach, see targets.hpp) while its session gets Page.enable, the identity of
  /// `options` (viewport, screen, user agent, client hints), the dialog handler and auto-attach
  /// for its frames; then it runs. Its popups get the same treatment (page::popups()).
  asio::awaitable<page> new_page(browser_context_id context = browser_context_id(),
                                 page_options options = page_options());
  /// Browser.getVersion's "product" ("Chrome/156.0...").
  asio::awaitable<std::string> version();
  /// Asks the browser to exit (Browser.close); the connection then closes.
  asio::awaitable<void> close();

  const std::shared_ptr<connection>& conn() const { return conn_; }
  /// The browser-level session (empty session id).
  cdp::session browser_session() const { return {conn_, {}}; }

 private:
  asio::awaitable<std::shared_ptr<target_registry>> registry();

  std::shared_ptr<connection> conn_;
  std::shared_ptr<target_registry> targets_;
};

}  // namespace footfall::cdp
