#pragma once
/// Configuring a target while Chromium holds it paused (Target.setAutoAttach with
/// waitForDebuggerOnStart), then letting it run: the shape of Puppeteer's ChromeTargetManager.
/// Internal to cdp/: browser::new_page and the target registry use it.
#include <exception>
#include <memory>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "cdp/connection.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

/// A paused page target (ours or a popup): installs the dialog, crash and detach handlers,
/// in one burst Page.enable, the identity of `options`, auto-attach for its frames and workers
/// and Runtime.runIfWaitingForDebugger. A popup's `opener` hands it its popup handlers (called
/// first, while it is paused) and popup set-up commands (in the burst, before the resume).
/// Returns the running page.
asio::awaitable<page> start_page(std::shared_ptr<connection> c, session_id sid, target_id target,
                                 browser_context_id context, page_options options,
                                 bool waiting_for_debugger,
                                 std::shared_ptr<const page_state> opener = nullptr);

/// Logs (warn) a failed fire-and-forget command of target set-up; nothing when `e` is empty.
void log_failure(std::string_view what, std::exception_ptr e);

}  // namespace footfall::cdp
