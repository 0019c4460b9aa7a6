// JavaScript dialogs are answered automatically and logged; they never block the session.
#include <doctest/doctest.h>

#include "cdp/input.hpp"
#include "shared_browser.hpp"

using namespace footfall::cdp;
using namespace footfall::cdp::testing;
using namespace std::chrono_literals;

TEST_CASE("dialogs: alert, confirm and prompt opened by real clicks do not hang") {
  auto& c = chromium();
  auto ctx = run(c.browser->create_context());
  page_options o;
  o.prompt_text = "Ada";
  auto p = run(c.browser->new_page(ctx, o));
  run(p.navigate(c.site.url("/dialogs.html"), 10s));
  std::vector<std::string> seen;
  p.on_dialog([&](const dialog_record& d) { seen.push_back(d.type); });

  const auto t0 = std::chrono::steady_clock::now();
  run(click_element(p, "#alert"));
  run(click_element(p, "#confirm"));
  run(click_element(p, "#prompt"));
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  auto results = run(p.evaluate("window.__dialogResults"));
  CHECK(results == json::parse(R"([["alert", true], ["confirm", true], ["prompt", "Ada"]])"));
  REQUIRE(p.dialogs().size() == 3);
  CHECK(p.dialogs()[0].type == "alert");
  CHECK(p.dialogs()[0].message == "hello from alert");
  CHECK(p.dialogs()[1].type == "confirm");
  CHECK(p.dialogs()[1].accepted);
  CHECK(p.dialogs()[2].type == "prompt");
  CHECK(p.dialogs()[2].prompt_text == "Ada");
  CHECK(seen == std::vector<std::string>{"alert", "confirm", "prompt"});
  // A dialog opened from evaluate (no input at all) does not block it either.
  CHECK(run(p.evaluate("alert('from script'); 7")) == 7);
  run(c.browser->dispose_context(ctx));
}

TEST_CASE("dialogs: confirm can be declined by option") {
  auto& c = chromium();
  auto ctx = run(c.browser->create_context());
  page_options o;
  o.accept_dialogs = false;
  auto p = run(c.browser->new_page(ctx, o));
  run(p.navigate(c.site.url("/dialogs.html"), 10s));
  run(click_element(p, "#confirm"));
  CHECK(run(p.evaluate("window.__dialogResults")) == json::parse(R"([["confirm", false]])"));
  run(c.browser->dispose_context(ctx));
}

TEST_CASE("dialogs: beforeunload is answered and the navigation proceeds") {
  fresh_page f("/dialogs.html");
  run(click_element(f.page, "#arm"));  // a real click gives the page the user activation
  run([](page p) -> asio::awaitable<void> {
    auto load = p.expect_load();
    co_await click_element(p, "#leave");
    co_await load.wait(10s);
  }(f.page));
  CHECK(run(f.page.evaluate("document.title")) == "second page");
  REQUIRE(!f.page.dialogs().empty());
  CHECK(f.page.dialogs().back().type == "beforeunload");
  CHECK(f.page.dialogs().back().accepted);
}
