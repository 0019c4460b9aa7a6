// Navigation: load waits, a page that never loads times out clearly, the tab stays usable.
#include <doctest/doctest.h>

#include "shared_browser.hpp"

using namespace footfall::cdp;
using namespace footfall::cdp::testing;
using namespace std::chrono_literals;

TEST_CASE("navigation: waits for the load event of the fixture page") {
  fresh_page f("/index.html");
  auto& site = chromium().site;
  run(f.page.navigate(site.url("/page2.html"), 10s));
  CHECK(run(f.page.url()) == site.url("/page2.html"));
  CHECK(run(f.page.evaluate("document.readyState")) == "complete");
}

TEST_CASE("navigation: a server that never answers times out clearly, the tab stays usable") {
  fresh_page f("/index.html");
  auto& site = chromium().site;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    run(f.page.navigate(site.url("/__hang"), 1500ms));
    FAIL("no timeout");
  } catch (const navigation_timeout& e) {
    CHECK(e.url == site.url("/__hang"));
    CHECK(std::string(e.what()).find("1500 ms") != std::string::npos);
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 1400ms);
  CHECK(took < 4s);
  run(f.page.navigate(site.url("/page2.html"), 10s));
  CHECK(run(f.page.evaluate("document.title")) == "second page");
}

TEST_CASE("navigation: a page whose body never ends times out, the tab stays usable") {
  fresh_page f("/index.html");
  auto& site = chromium().site;
  CHECK_THROWS_AS(run(f.page.navigate(site.url("/__hang-body"), 1500ms)), navigation_timeout);
  run(f.page.navigate(site.url("/input.html"), 10s));
  CHECK(run(f.page.evaluate("document.title")) == "input playground");
}

TEST_CASE("navigation: a refused connection is a navigation_error naming the URL") {
  fresh_page f("/index.html");
  // A port that was just free: nothing listens there.
  std::string url;
  {
    footfall::test::http_server gone;
    url = gone.url("/");
  }
  try {
    run(f.page.navigate(url, 10s));
    FAIL("no error");
  } catch (const navigation_error& e) {
    CHECK(e.url == url);
    CHECK(std::string(e.what()).find("ERR_CONNECTION_REFUSED") != std::string::npos);
  }
}

TEST_CASE("navigation: a registered handler serves dynamic content") {
  auto& site = chromium().site;
  site.handle("/dynamic", [](const footfall::test::http_request& r) {
    footfall::test::http_response out;
    out.body = "<title>dyn</title><p id=q>" + r.target + "</p>";
    return out;
  });
  fresh_page f("/dynamic?x=1");
  CHECK(run(f.page.evaluate("document.getElementById('q').textContent")) == "/dynamic?x=1");
}
