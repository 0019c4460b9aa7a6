// Lone surrogates in DevTools messages (a truncated emoji in page text) and messages that do not
// parse at all: sans-io cases, one against a scripted WebSocket peer, one against real Chromium.
#include <doctest/doctest.h>

#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "cdp/command_stats.hpp"
#include "cdp/connection.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/message_repair.hpp"
#include "shared_browser.hpp"

using namespace footfall::cdp;
using namespace std::chrono_literals;

namespace {
std::string repaired(std::string s) {
  repair_lone_surrogates(s);
  return s;
}
}  // namespace

TEST_CASE("message repair: lone surrogates become U+FFFD, pairs and escaped backslashes stay") {
  CHECK(repaired(R"({"t":"a\uD800"})") == R"({"t":"a\uFFFD"})");
  CHECK(repaired(R"({"t":"a\udc00b"})") == R"({"t":"a\uFFFDb"})");
  // A high surrogate followed by another high one: both lone.
  CHECK(repaired(R"("\uD800\uD801")") == R"("\uFFFD\uFFFD")");
  // Low before high is not a pair.
  CHECK(repaired(R"("\uDC00\uD800")") == R"("\uFFFD\uFFFD")");
  // A well-formed pair (U+1F600) is untouched, also right after a lone one.
  CHECK(repaired(R"("\ud83d\ude00")") == R"("\ud83d\ude00")");
  CHECK(repaired(R"("\uD800\ud83d\ude00")") == R"("\uFFFD\ud83d\ude00")");
  // `\\uD800` is a backslash followed by the text "uD800", not an escape.
  CHECK(repaired(R"("\\uD800")") == R"("\\uD800")");
  CHECK(repaired(R"("\\\uD800")") == R"("\\\uFFFD")");
  // Other escapes and truncated text are left alone.
  CHECK(repaired(R"("\n\u0041\"\uD8")") == R"("\n\u0041\"\uD8")");
  std::string s = R"({"a":"\uD800","b":["\uDFFF","\uD800\uDC00"]})";
  CHECK(repair_lone_surrogates(s) == 2);
}

TEST_CASE("message repair: a message with a lone surrogate parses, counted, the text has U+FFFD") {
  auto m = parse_message(R"({"id":7,"result":{"result":{"type":"string","value":"a\uD800"}}})");
  REQUIRE(m.ok());
  CHECK(m.repaired == 1);
  CHECK(m.value["result"]["result"]["value"] == "a\xEF\xBF\xBD");
  auto clean = parse_message(R"({"id":8,"result":{}})");
  CHECK(clean.ok());
  CHECK(clean.repaired == 0);
}

TEST_CASE("message repair: an unparseable reply keeps its id and the parser's reason") {
  auto m = parse_message("{\"id\":42,\"result\":{\"value\":\"a\x01\"}}");
  CHECK_FALSE(m.ok());
  CHECK(m.reply_id == 42u);
  CHECK(m.error.find("parse error") != std::string::npos);
  // Nested ids are not the message's; events have none.
  CHECK(find_message_id(R"({"method":"X","params":{"id":5},"x":"\u00)") == std::nullopt);
  CHECK(find_message_id(R"({"sessionId":"S","id" : 9,"result":{"id":3})") == 9u);
  CHECK(find_message_id(R"({"result":{"id":3},"id":11,"error)") == 11u);
  CHECK(find_message_id(R"({"method":"id","params":{}})") == std::nullopt);
  CHECK(find_message_id("garbage") == std::nullopt);
}

namespace {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// A WebSocket peer that answers every command with `reply(id)`, to stand in for a browser that
// sends what Chromium never should.
struct scripted_peer {
  explicit scripted_peer(std::function<std::string(std::uint64_t)> reply)
      : acceptor(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        thread([this, reply = std::move(reply)] {
          tcp::socket sock(ctx);
          acceptor.accept(sock);
          websocket::stream<tcp::socket> ws(std::move(sock));
          ws.accept();
          beast::error_code ec;
          for (;;) {
            beast::flat_buffer b;
            ws.read(b, ec);
            if (ec) return;
            auto cmd = json::parse(beast::buffers_to_string(b.data()));
            ws.text(true);
            ws.write(asio::buffer(reply(cmd["id"].get<std::uint64_t>())), ec);
            if (ec) return;
          }
        }) {}
  ~scripted_peer() { thread.join(); }
  devtools_endpoint endpoint() {
    return {"127.0.0.1", acceptor.local_endpoint().port(), "/devtools/browser/x"};
  }
  asio::io_context ctx;
  tcp::acceptor acceptor;
  std::thread thread;
};
}  // namespace

TEST_CASE("message repair: an unparseable reply fails its own call at once, naming the method") {
  scripted_peer peer([](std::uint64_t id) {
    // A raw control character inside a string: no repair can save it.
    return "{\"id\":" + std::to_string(id) + ",\"result\":{\"v\":\"a\x01\"}}";
  });
  io_thread io;
  const auto before = global_command_stats().snapshot().messages_unparseable;
  const auto t0 = std::chrono::steady_clock::now();
  std::string what;
  io.run([](devtools_endpoint ep, std::string* out) -> asio::awaitable<void> {
    auto c = co_await connection::open(ep);
    try {
      co_await c->send("Runtime.evaluate", json::object(), session_id(), 30000ms);
    } catch (const malformed_reply& e) {
      *out = e.what();
    }
    c->close();
  }(peer.endpoint(), &what));
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);  // not the 30 s deadline
  CHECK(what.find("Runtime.evaluate: unparseable reply: ") == 0);
  CHECK(what.find("parse error") != std::string::npos);
  CHECK(global_command_stats().snapshot().messages_unparseable == before + 1);
}

TEST_CASE("message repair: real Chromium, a lone surrogate in the title and a link's text") {
  footfall::cdp::testing::fresh_page f("/input.html");
  using footfall::cdp::testing::run;
  const auto before = global_command_stats().snapshot().surrogates_repaired;
  const auto t0 = std::chrono::steady_clock::now();
  // Set from the page's side, as a page would; then read back through CDP.
  auto v = run(f.page.evaluate(
      "document.title = 'a\\uD800'; const l = document.createElement('a');"
      "l.textContent = 'x\\uDC00y'; document.body.append(l); [document.title, l.textContent]"));
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(v == json::array({"a\xEF\xBF\xBD", "x\xEF\xBF\xBDy"}));
  CHECK(global_command_stats().snapshot().surrogates_repaired >= before + 2);
}
