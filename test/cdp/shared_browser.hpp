#pragma once
// One Chromium, one io thread and one fixture-site server shared by the cdp test cases (as
// chromedp's tests share a browser and open a tab per test): fast and real.
#include <memory>

#include "cdp/browser.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/launcher.hpp"
#include "support/http_server.hpp"

namespace footfall::cdp::testing {

struct shared_browser {
  shared_browser();
  ~shared_browser();
  test::http_server site;
  browser_process process;
  io_thread io;
  std::shared_ptr<cdp::browser> browser;
};

/// The shared instance (launched on first use, stopped at exit).
shared_browser& chromium();

/// Runs a coroutine on the shared io thread and waits for it.
template <class T>
T run(asio::awaitable<T> coro) {
  return chromium().io.run(std::move(coro));
}

/// A fresh context and page (viewport 1280x800), navigated to `path` of the fixture site.
/// The context is disposed when the returned guard dies.
struct fresh_page {
  explicit fresh_page(const std::string& path = "/input.html");
  ~fresh_page();
  browser_context_id context;
  cdp::page page;
};

/// The recorder's events of `type` on `p` (test/site/recorder.js).
json recorded(const cdp::page& p, const std::string& type);

/// Options every test launch uses (headless; as root Chromium needs --no-sandbox, already set).
launch_options test_launch_options();

}  // namespace footfall::cdp::testing
