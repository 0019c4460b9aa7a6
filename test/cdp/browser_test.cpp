// The DevTools client against a real Chromium: sessions, events, errors, contexts, big messages.
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/command_stats.hpp"
#include "shared_browser.hpp"
#include "support/browser_under_test.hpp"

using namespace footfall::cdp;
using namespace footfall::cdp::testing;
using namespace std::chrono_literals;

TEST_CASE("browser: version over the single WebSocket" * doctest::test_suite("chromium")) {
  auto product = run(chromium().browser->version());
  // The shell names itself in Browser.getVersion (the user agent a session sends is the
  // identity's either way).
  const bool shell = footfall::test::browser_under_test() == browser_kind::headless_shell;
  CHECK(product.rfind(shell ? "HeadlessChrome/" : "Chrome/", 0) == 0);
}

TEST_CASE("browser: evaluate on a page returns values, JS exceptions are typed") {
  fresh_page f("/index.html");
  CHECK(run(f.page.evaluate("1+1")) == 2);
  CHECK(run(f.page.evaluate("document.title")) == "footfall fixture");
  CHECK(run(f.page.evaluate("Promise.resolve({a: [1, 'x']})")) == json{{"a", {1, "x"}}});
  CHECK_THROWS_AS(run(f.page.evaluate("(() => { throw new Error('boom') })()")), javascript_error);
}

TEST_CASE("browser: unknown method is a protocol error naming the method") {
  fresh_page f("/index.html");
  try {
    run(f.page.session().send("Nope.nothing"));
    FAIL("no error");
  } catch (const protocol_error& e) {
    CHECK(e.method == "Nope.nothing");
    CHECK(e.code != 0);
  }
}

TEST_CASE("browser: a command past its deadline fails with timeout_error naming it") {
  fresh_page f("/index.html");
  auto s = f.page.session();
  json args = {{"expression", "new Promise(() => {})"}, {"awaitPromise", true}};
  const auto t0 = std::chrono::steady_clock::now();
  try {
    run(s.send("Runtime.evaluate", args, 300ms));
    FAIL("no timeout");
  } catch (const timeout_error& e) {
    CHECK(e.method == "Runtime.evaluate");
  }
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(run(f.page.evaluate("2+3")) == 5);  // the session is still fine
}

TEST_CASE("browser: closing a target fails its pending commands with target_closed") {
  auto& c = chromium();
  auto ctx = run(c.browser->create_context());
  auto p = run(c.browser->new_page(ctx));
  auto s = p.session();
  json args = {{"expression", "new Promise(() => {})"}, {"awaitPromise", true}};
  auto pending = c.io.spawn(s.send("Runtime.evaluate", args, 20s));
  run(p.close());
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(pending.wait_for(5s) == std::future_status::ready);
  CHECK_THROWS_AS(pending.get(), target_closed);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  run(c.browser->dispose_context(ctx));
}

namespace {
// Subscriptions and waiters belong to the io thread: the whole scenario runs there.
asio::awaitable<void> events_scenario(page p) {
  auto s = p.session();
  co_await s.send("Runtime.enable");
  auto waiter = s.expect_event("Runtime.consoleAPICalled", [](const json& e) {
    return e["args"][0].value("value", json()) == "second";
  });
  auto seen = std::make_shared<int>(0);
  auto sub = s.subscribe("Runtime.consoleAPICalled", [seen](const json&) { ++*seen; });
  co_await p.evaluate("console.log('first'); console.log('second'); 0");
  auto ev = co_await waiter.wait(5s);
  CHECK(ev["type"] == "log");
  CHECK(ev["args"][0]["value"] == "second");
  CHECK(*seen == 2);
  sub.reset();
  co_await p.evaluate("console.log('third'); 0");
  json one = {{"expression", "1"}};
  auto later = co_await s.send("Runtime.evaluate", std::move(one));  // a full round trip later
  CHECK(later["result"]["value"] == 1);
  CHECK(*seen == 2);  // unsubscribed: not called again
  // Nothing matching: a timeout error naming the event, within its deadline.
  auto none = s.expect_event("Runtime.consoleAPICalled",
                             [](const json& e) { return e["type"] == "error"; });
  bool timed_out = false;
  try {
    co_await none.wait(200ms);
  } catch (const timeout_error& e) {
    timed_out = std::string(e.what()).find("Runtime.consoleAPICalled") != std::string::npos;
  }
  CHECK(timed_out);
}
}  // namespace

TEST_CASE("browser: events by method per session, and awaiting one with a predicate") {
  fresh_page f("/index.html");
  run(events_scenario(f.page));
}

namespace {
asio::awaitable<void> unread_events_scenario(page p) {
  auto s = p.session();
  co_await s.send("Runtime.enable");
  const auto unread = [] { return global_command_stats().snapshot().events_unread; };
  // Nobody subscribed or waits: the console events are dropped before they are parsed, and
  // still counted as received with their bytes (every message is, read or not).
  const auto u0 = unread();
  const auto r0 = global_command_stats().snapshot();
  co_await p.evaluate("console.log('a'); console.log('b'); console.log('c'); 0");
  json one = {{"expression", "1"}};
  co_await s.send("Runtime.evaluate", one);  // a round trip: the events came before its reply
  CHECK(unread() - u0 >= 3);
  const auto r1 = global_command_stats().snapshot();
  CHECK(r1.messages_received - r0.messages_received >= 5);  // 3 events and 2 replies
  CHECK(r1.bytes_received - r0.bytes_received >= 5 * 20);
  // A subscription brings its method back, every event of it.
  auto seen = std::make_shared<int>(0);
  auto sub = s.subscribe("Runtime.consoleAPICalled", [seen](const json&) { ++*seen; });
  co_await p.evaluate("console.log('d'); console.log('e'); 0");
  co_await s.send("Runtime.evaluate", one);
  CHECK(*seen == 2);
  sub.reset();
  // So does a waiter, alone.
  auto waiter = s.expect_event("Runtime.consoleAPICalled");
  co_await p.evaluate("console.log('f'); 0");
  const auto ev = co_await waiter.wait(5s);
  CHECK(ev["args"][0]["value"] == "f");
  CHECK(*seen == 2);  // unsubscribed
}
}  // namespace

TEST_CASE("browser: events nobody subscribed to or waits for are dropped unread - a subscriber or "
          "a waiter gets its method back") {
  fresh_page f("/index.html");
  run(unread_events_scenario(f.page));
}

TEST_CASE("browser: contexts are isolated (cookies and storage not shared)") {
  auto& c = chromium();
  fresh_page a("/index.html");
  fresh_page b("/index.html");
  run(a.page.evaluate("document.cookie = 'visitor=a'; localStorage.setItem('k', 'a'); 0"));
  CHECK(run(a.page.evaluate("document.cookie")) == "visitor=a");
  CHECK(run(b.page.evaluate("document.cookie")) == "");
  CHECK(run(b.page.evaluate("localStorage.getItem('k')")).is_null());
  // Same context: shared, as one visitor's tabs are.
  auto second = run(c.browser->new_page(a.context));
  run(second.navigate(c.site.url("/page2.html"), 10s));
  CHECK(run(second.evaluate("document.cookie")) == "visitor=a");
}

TEST_CASE("browser: many pages over one socket, interleaved") {
  auto& c = chromium();
  auto ctx = run(c.browser->create_context());
  std::vector<page> pages;
  for (int i = 0; i < 6; ++i) pages.push_back(run(c.browser->new_page(ctx)));
  std::vector<std::future<json>> results;
  for (int i = 0; i < 6; ++i)
    results.push_back(c.io.spawn(pages[i].evaluate("window.n = " + std::to_string(i * 7) + "; n")));
  for (int i = 0; i < 6; ++i) CHECK(results[i].get() == i * 7);
  for (int i = 0; i < 6; ++i) CHECK(run(pages[i].evaluate("window.n")) == i * 7);
  run(c.browser->dispose_context(ctx));
}

TEST_CASE("browser: messages far above Beast's 16 MiB default arrive whole") {
  fresh_page f("/index.html");
  auto v = run(f.page.evaluate("'x'.repeat(24 * 1024 * 1024)"));
  CHECK(v.get_ref<const std::string&>().size() == 24u * 1024 * 1024);
  json shot_args = {{"format", "png"}};
  auto shot = run(f.page.session().send("Page.captureScreenshot", shot_args));
  CHECK(shot["data"].get_ref<const std::string&>().size() > 1000);
}

TEST_CASE("browser: a crashed renderer fails its page's pending commands, not the browser") {
  auto& c = chromium();
  auto ctx = run(c.browser->create_context());
  auto p = run(c.browser->new_page(ctx));
  run(p.navigate(c.site.url("/index.html"), 10s));
  auto s = p.session();
  json args = {{"expression", "new Promise(() => {})"}, {"awaitPromise", true}};
  auto pending = c.io.spawn(s.send("Runtime.evaluate", args, 30s));
  auto crash = c.io.spawn(s.send("Page.crash", json::object(), 3s));  // never answered
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(pending.wait_for(5s) == std::future_status::ready);
  CHECK_THROWS_AS(pending.get(), target_closed);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(p.closed());
  CHECK_THROWS(crash.get());
  // The browser and its other pages carry on.
  fresh_page other("/page2.html");
  CHECK(run(other.page.evaluate("document.title")) == "second page");
  run(c.browser->dispose_context(ctx));
}
