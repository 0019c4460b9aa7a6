// connection::subscribe_text with real Chromium: the params' text a text handler gets is what a
// subscribe() handler on the same event gets parsed, and a text handler alone (the message then
// never parsed) still gets every event.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/request_log.hpp"
#include "shared_browser.hpp"

using namespace footfall::cdp;
using namespace footfall::cdp::testing;
using namespace std::chrono_literals;

namespace {
struct seen {
  std::vector<std::string> texts, alone;
  std::vector<json> parsed;
};

asio::awaitable<seen> load_with_both(page p, std::string url) {
  seen out;
  const auto s = p.session();
  auto a = s.subscribe_text("Network.requestWillBeSent",
                            [&](std::string_view t) { out.texts.emplace_back(t); });
  auto b = s.subscribe("Network.requestWillBeSent",
                       [&](const json& j) { out.parsed.push_back(j); });
  auto c = s.subscribe_text("Network.loadingFinished",
                            [&](std::string_view t) { out.alone.emplace_back(t); });
  co_await s.send("Network.enable", network_enable_params());
  co_await p.navigate(url, 10s);
  // The page's last requests (a fetch after load) finish a little later.
  asio::steady_timer t(co_await asio::this_coro::executor, 1s);
  co_await t.async_wait(asio::use_awaitable);
  co_return out;
}
}  // namespace

TEST_CASE("subscribe_text: text handlers get the params' text, beside a parsed handler or alone") {
  fresh_page f("/input.html");
  const auto got = run(load_with_both(f.page, chromium().site.url("/health/failures.html")));
  // failures.html: the document, a 404 image, a refused script, a 500 fetch, the favicon.
  REQUIRE(got.texts.size() >= 4);
  REQUIRE(got.texts.size() == got.parsed.size());
  for (std::size_t i = 0; i < got.texts.size(); ++i)
    CHECK(json::parse(got.texts[i]) == got.parsed[i]);
  // Alone: the document and the 404 image finished loading (the fetch may still be open), each
  // one of the requests seen starting.
  CHECK(got.alone.size() >= 2);
  std::set<std::string> ids;
  for (const auto& p : got.parsed) ids.insert(p.value("requestId", ""));
  for (const auto& t : got.alone) {
    const auto j = json::parse(t);
    CHECK(j.contains("encodedDataLength"));
    CHECK(ids.count(j.value("requestId", "")) == 1);
  }
}
