#pragma once
// One Chromium for a test file's cases that drive pages directly (no campaign): launched as the
// browser under test (support/browser_under_test.hpp: FOOTFALL_BROWSER picks the build), closed
// when the file's static instance goes.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/browser.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/launcher.hpp"
#include "support/browser_under_test.hpp"

namespace footfall::test {

struct one_chromium {
  explicit one_chromium(std::vector<std::string> extra_args = {})
      : process(options(std::move(extra_args))) {
    browser = io.run(cdp::browser::connect(process.endpoint()));
  }
  ~one_chromium() {
    try {
      io.run([](std::shared_ptr<cdp::browser> b) -> boost::asio::awaitable<void> {
        co_await b->close();
      }(std::move(browser)));
    } catch (const std::exception&) {
      // Already gone: the process's destructor reaps it either way.
    }
  }
  one_chromium(const one_chromium&) = delete;
  one_chromium& operator=(const one_chromium&) = delete;

  static cdp::launch_options options(std::vector<std::string> extra_args) {
    cdp::become_child_subreaper();
    cdp::launch_options o;
    use_browser_under_test(o);
    o.extra_args = std::move(extra_args);
    return o;
  }

  cdp::browser_process process;
  cdp::io_thread io;
  std::shared_ptr<cdp::browser> browser;
};

}  // namespace footfall::test
