#pragma once
// The browser the real-browser suites drive: FOOTFALL_BROWSER ("chromium", the default, or
// "headless-shell") picks the build, FOOTFALL_CHROMIUM an executable, through the same rule the
// CLI uses (cdp/browser_choice.hpp). CTest registers a subset of the journey tests a second time
// with FOOTFALL_BROWSER=headless-shell (test/CMakeLists.txt), so both browsers are exercised.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "cdp/browser_choice.hpp"
#include "cdp/launcher.hpp"

namespace footfall::test {

inline cdp::browser_kind browser_under_test() {
  const char* b = std::getenv("FOOTFALL_BROWSER");
  if (!b || !*b) return cdp::browser_kind::chromium;
  if (auto k = cdp::parse_browser_kind(b)) return *k;
  throw std::invalid_argument(std::string("FOOTFALL_BROWSER: ") + cdp::browser_kind_rule);
}

/// Points `o` at the browser under test.
inline void use_browser_under_test(cdp::launch_options& o) {
  const char* exe = std::getenv("FOOTFALL_CHROMIUM");
  o.browser = browser_under_test();
  o.executable = cdp::resolve_executable(o.browser, exe ? exe : "").path;
}

}  // namespace footfall::test
