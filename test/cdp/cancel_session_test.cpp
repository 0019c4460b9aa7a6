// connection::cancel_session: a page whose renderer is stuck cannot hold its owner past a
// deadline. Real Chromium, a handler that never returns.
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/input.hpp"
#include "shared_browser.hpp"

using namespace footfall::cdp;
using namespace footfall::cdp::testing;
using namespace std::chrono_literals;

namespace {
// Evaluates `expr` (60 s budget) and cancels the page's session after `after`; returns what the
// evaluate threw and how long it took.
asio::awaitable<std::pair<std::string, std::chrono::milliseconds>> busy_then_cancel(
    page p, std::string expr, std::chrono::milliseconds after) {
  asio::steady_timer t(co_await asio::this_coro::executor, after);
  t.async_wait([p](boost::system::error_code ec) {
    if (!ec) p.session().conn()->cancel_session(p.session().id(), "time limit of the test");
  });
  const auto t0 = std::chrono::steady_clock::now();
  std::string what;
  json params{{"expression", expr}};  // not braced inside co_await: g++ 12 (house style)
  try {
    co_await p.session().send("Runtime.evaluate", std::move(params), 60s);
  } catch (const session_cancelled& e) {
    what = e.what();
  }
  co_return std::make_pair(what, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - t0));
}
}  // namespace

TEST_CASE("cancel session: a call stuck in a blocking page handler fails at once, later ones too") {
  fresh_page f("/input.html");
  const auto [what, took] = run(busy_then_cancel(f.page, "for (;;) {}", 1000ms));
  CAPTURE(what);
  CHECK(what == "cancelled: Runtime.evaluate: time limit of the test");
  CHECK(took >= 900ms);
  CHECK(took < 3000ms);  // not the call's own 60 s
  // Every later call and event wait on the session fails at once.
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(run(f.page.evaluate("1")), session_cancelled);
  CHECK_THROWS_AS(run(f.page.session().expect_event("Page.loadEventFired").wait(30s)),
                  session_cancelled);
  CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
  // Other pages on the same connection are untouched.
  fresh_page other("/input.html");
  CHECK(run(other.page.evaluate("6 * 7")) == 42);
}
