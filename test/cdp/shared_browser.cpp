#include "shared_browser.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "support/browser_under_test.hpp"

namespace footfall::cdp::testing {

launch_options test_launch_options() {
  launch_options o;
  test::use_browser_under_test(o);
  return o;
}

namespace {
launch_options prepared_options() {
  // Helpers orphaned when a test kills a browser are then reaped by us, not left as zombies.
  become_child_subreaper();
  return test_launch_options();
}
}  // namespace

shared_browser::shared_browser() : process(prepared_options()) {
  browser = io.run(browser::connect(process.endpoint()));
}

shared_browser::~shared_browser() {
  try {
    io.run([](std::shared_ptr<cdp::browser> b) -> asio::awaitable<void> {
      co_await b->close();
    }(std::move(browser)));
  } catch (const std::exception&) {
  }
}

shared_browser& chromium() {
  // Relaunched when a test killed it (the signal-hook test kills every browser of the process).
  static std::unique_ptr<shared_browser> instance;
  if (instance && !instance->process.running()) instance.reset();
  if (!instance) instance = std::make_unique<shared_browser>();
  return *instance;
}

fresh_page::fresh_page(const std::string& path) {
  auto& c = chromium();
  context = c.io.run(c.browser->create_context());
  page = c.io.run(c.browser->new_page(context));
  c.io.run(page.navigate(c.site.url(path), milliseconds(10000)));
}

fresh_page::~fresh_page() {
  auto& c = chromium();
  try {
    c.io.run(c.browser->dispose_context(context));
  } catch (const std::exception&) {
  }
}

json recorded(const cdp::page& p, const std::string& type) {
  auto copy = p;
  return run(copy.evaluate("window.__footfallRecorder.events(" + json(type).dump() + ")"));
}

}  // namespace footfall::cdp::testing
