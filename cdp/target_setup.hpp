#pragma once
/// Configuring a target while Chromium holds it paused (Target.setAutoAttach with
/// waitForDebuggerOnStart), then letting it run: the shape of Puppeteer's ChromeTargetManager.
/// Internal to cdp/: browser::new_page and the target registry use it.
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/connection.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

/// One command of a burst: a method (string literal) and its params.
struct command {
  std::string_view method;
  json params;
};

/// Sends every command at once over `s` and waits for all replies (one round trip instead of
/// one per command); the first failure is rethrown once all have answered.
asio::awaitable<std::vector<json>> send_all(session s, std::vector<command> commands);

/// A paused page target (ours or a popup): installs the dialog, crash and detach handlers,
/// in one burst Page.enable, the identity of `options`, auto-attach for its frames and workers
/// and Runtime.runIfWaitingForDebugger. Returns the running page.
asio::awaitable<page> start_page(std::shared_ptr<connection> c, session_id sid, target_id target,
                                 browser_context_id context, page_options options,
                                 bool waiting_for_debugger);

}  // namespace footfall::cdp
