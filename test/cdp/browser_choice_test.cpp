// The browser choice: one executable rule for every command, and the reasons a choice cannot run.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <algorithm>

#include "cdp/browser_choice.hpp"
#include "cdp/errors.hpp"
#include "cdp/launcher.hpp"

using namespace footfall::cdp;

namespace {
// Sets CHROME_BIN for one scope (restores the old value).
struct chrome_bin {
  explicit chrome_bin(const char* v) {
    if (const char* o = getenv("CHROME_BIN")) old = o, had = true;
    if (v)
      setenv("CHROME_BIN", v, 1);
    else
      unsetenv("CHROME_BIN");
  }
  ~chrome_bin() {
    if (had)
      setenv("CHROME_BIN", old.c_str(), 1);
    else
      unsetenv("CHROME_BIN");
  }
  std::string old;
  bool had = false;
};
bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
}  // namespace

TEST_CASE("browser choice: names parse both ways, anything else is refused") {
  CHECK(parse_browser_kind("chromium") == browser_kind::chromium);
  CHECK(parse_browser_kind("headless-shell") == browser_kind::headless_shell);
  CHECK_FALSE(parse_browser_kind("headless_shell"));
  CHECK_FALSE(parse_browser_kind("Chromium"));
  CHECK_FALSE(parse_browser_kind(""));
  CHECK(std::string(to_string(browser_kind::headless_shell)) == "headless-shell");
  CHECK(std::string(debian_package(browser_kind::headless_shell)) == "chromium-headless-shell");
}

TEST_CASE("browser choice: --chromium beats CHROME_BIN beats the browser's default") {
  {
    chrome_bin env(nullptr);
    auto r = resolve_executable(browser_kind::chromium, "");
    CHECK(r.path == "/usr/bin/chromium");
    CHECK(r.source == executable_source::default_path);
    r = resolve_executable(browser_kind::headless_shell, "");
    CHECK(r.path == "/usr/lib/chromium/chromium-headless-shell");
    r = resolve_executable(browser_kind::headless_shell, "/opt/x");
    CHECK(r.path == "/opt/x");
    CHECK(r.source == executable_source::flag);
  }
  {
    chrome_bin env("/opt/from-env");
    auto r = resolve_executable(browser_kind::headless_shell, "");
    CHECK(r.path == "/opt/from-env");
    CHECK(r.source == executable_source::environment);
    CHECK(resolve_executable(browser_kind::chromium, "/opt/flag").path == "/opt/flag");
  }
  {
    chrome_bin env("");  // set but empty: as if unset
    CHECK(resolve_executable(browser_kind::chromium, "").path == "/usr/bin/chromium");
  }
}

TEST_CASE("browser choice: headed shell and a missing package are refused with the reason") {
  const resolved_executable shell{default_executable(browser_kind::headless_shell),
                                  executable_source::default_path};
  auto why = browser_unusable(browser_kind::headless_shell, true, shell);
  REQUIRE(why);
  CHECK(why->find("--headed") == 0);
  CHECK(why->find("no window") != std::string::npos);
  CHECK_FALSE(browser_unusable(browser_kind::chromium, true,
                               {"/usr/bin/chromium", executable_source::default_path}));
  // The default missing (the package not installed): the message names the package.
  why = browser_unusable(browser_kind::headless_shell, false,
                         {"/nonexistent/chromium-headless-shell", executable_source::default_path});
  REQUIRE(why);
  CHECK(why->find("install the Debian package chromium-headless-shell") != std::string::npos);
  // A path the user named is theirs: it is checked when it is launched (launch_error).
  CHECK_FALSE(browser_unusable(browser_kind::headless_shell, false,
                               {"/nonexistent/x", executable_source::flag}));
  // Both packages are installed here (scripts/setup.sh).
  CHECK_FALSE(browser_unusable(browser_kind::headless_shell, false, shell));
}

TEST_CASE("browser choice: the shell is launched without --headless, chromium with new headless") {
  launch_options o;
  CHECK(has(chromium_args(o, "/tmp/p"), "--headless=new"));
  o.browser = browser_kind::headless_shell;
  const auto a = chromium_args(o, "/tmp/p");
  CHECK(std::none_of(a.begin(), a.end(),
                     [](const std::string& s) { return s.rfind("--headless", 0) == 0; }));
  CHECK(has(a, "--site-per-process"));  // cross-site frames out of process, as in chromium
  o.headed = true;
  CHECK_THROWS_AS(browser_process{o}, launch_error);
}
