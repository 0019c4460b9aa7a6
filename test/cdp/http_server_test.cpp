// The test HTTP server itself (used by every suite).
#include <doctest/doctest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "support/http_server.hpp"

namespace asio = boost::asio;
using footfall::test::http_server;

namespace {
// A blocking raw HTTP/1.0 GET: what the server answers, byte for byte.
std::string get(std::uint16_t port, const std::string& path) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n";
  asio::write(s, asio::buffer(req));
  std::string out;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(out), ec);
  return out;
}
}  // namespace

TEST_CASE("http server: serves the fixture site with content types, 404 otherwise") {
  http_server srv;
  CHECK(srv.port() != 0);
  auto html = get(srv.port(), "/index.html");
  CHECK(html.rfind("HTTP/1.0 200", 0) == 0);
  CHECK(html.find("Content-Type: text/html") != std::string::npos);
  CHECK(html.find("footfall fixture site") != std::string::npos);
  CHECK(get(srv.port(), "/").find("footfall fixture site") != std::string::npos);
  CHECK(get(srv.port(), "/recorder.js").find("text/javascript") != std::string::npos);
  CHECK(get(srv.port(), "/style.css").find("text/css") != std::string::npos);
  CHECK(get(srv.port(), "/missing.html").rfind("HTTP/1.0 404", 0) == 0);
  CHECK(get(srv.port(), "/../etc/passwd").rfind("HTTP/1.0 400", 0) == 0);
  CHECK(srv.url("/a") == "http://127.0.0.1:" + std::to_string(srv.port()) + "/a");
}

TEST_CASE("http server: registered handlers take precedence") {
  http_server srv;
  srv.handle("/index.html", [](const footfall::test::http_request& r) {
    footfall::test::http_response out;
    out.status = 201;
    out.content_type = "text/plain";
    out.body = "handled " + r.method + " " + r.target;
    return out;
  });
  auto r = get(srv.port(), "/index.html?q=1");
  CHECK(r.rfind("HTTP/1.0 201", 0) == 0);
  CHECK(r.find("handled GET /index.html?q=1") != std::string::npos);
}

TEST_CASE("http server: /__hang never answers") {
  http_server srv;
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), srv.port()});
  std::string req = "GET /__hang HTTP/1.0\r\n\r\n";
  asio::write(s, asio::buffer(req));
  char byte;
  bool got = false;
  s.async_read_some(asio::buffer(&byte, 1), [&](auto ec, std::size_t n) { got = !ec && n; });
  io.run_for(std::chrono::milliseconds(500));
  CHECK_FALSE(got);
  CHECK(srv.requests() == 1);
}
