// Test HTTP server: Beast over Asio coroutines, its own io_context thread.
#include "support/http_server.hpp"

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace footfall::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

struct http_server::impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::filesystem::path root;
  std::mutex mu;
  std::map<std::string, http_handler> handlers;
  std::map<std::string, std::chrono::milliseconds> delays;
  std::atomic<std::size_t> served{0};
  std::thread thread;
};

namespace {

http_response file_response(const std::filesystem::path& root, const std::string& path) {
  http_response r;
  if (path.find("..") != std::string::npos) {
    r.status = 400;
    r.body = "bad path";
    return r;
  }
  auto file = root / path.substr(1);
  if (std::filesystem::is_directory(file)) file /= "index.html";
  std::ifstream f(file, std::ios::binary);
  if (!f) {
    r.status = 404;
    r.content_type = "text/plain";
    r.body = "not found: " + path;
    return r;
  }
  r.body.assign(std::istreambuf_iterator<char>(f), {});
  r.content_type = http_server::content_type_for(file);
  return r;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
}

asio::awaitable<void> hang_forever() {
  // Until the server's io_context stops (the frame is then destroyed with the socket).
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_at(asio::steady_timer::time_point::max());
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
}

// Coroutines hold a raw pointer: the server joins its thread before impl goes away, and the
// io_context (declared first, destroyed last) then drops any frame still pending.
asio::awaitable<void> serve(http_server::impl* d, tcp::socket sock) {
  beast::tcp_stream stream(std::move(sock));
  beast::flat_buffer buf;
  for (;;) {
    http::request<http::string_body> req;
    boost::system::error_code ec;
    co_await http::async_read(stream, buf, req, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    ++d->served;
    http_request in{std::string(req.method_string()), std::string(req.target()), {}, req.body()};
    in.path = in.target.substr(0, in.target.find('?'));
    if (in.path == "/__hang") {
      co_await hang_forever();
      co_return;
    }
    if (in.path == "/__hang-body") {
      std::string head =
          "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
          "<!doctype html><html><head><title>never loads</title></head><body><p>half";
      co_await asio::async_write(stream.socket(), asio::buffer(head),
                                 asio::redirect_error(use_awaitable, ec));
      co_await hang_forever();
      co_return;
    }
    http_handler h;
    std::chrono::milliseconds slow{0};
    {
      std::lock_guard lk(d->mu);
      if (auto it = d->handlers.find(in.path); it != d->handlers.end()) h = it->second;
      if (auto it = d->delays.find(in.path); it != d->delays.end()) slow = it->second;
    }
    if (slow.count() > 0) co_await sleep_for(slow);
    http_response out = h ? h(in) : file_response(d->root, in.path);
    http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
    res.set(http::field::content_type, out.content_type);
    res.set(http::field::cache_control, "no-store");
    for (auto& [k, v] : out.headers) res.set(k, v);
    res.body() = std::move(out.body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    if (ec || !res.keep_alive()) co_return;
  }
}

asio::awaitable<void> accept_loop(http_server::impl* d) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket s = co_await d->acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;
    s.set_option(tcp::no_delay(true));
    // Each connection ends on its own (EOF, error, or when the io_context stops).
    asio::co_spawn(d->io, serve(d, std::move(s)), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);  // a bug in the test server: fail loudly
    });
  }
}

}  // namespace

http_server::http_server(std::filesystem::path root) : impl_(std::make_shared<impl>()) {
  impl_->root = std::move(root);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, accept_loop(impl_.get()), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  impl_->thread = std::thread([d = impl_.get()] { d->io.run(); });
}

http_server::~http_server() {
  impl_->io.stop();
  impl_->thread.join();
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

std::uint16_t http_server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string http_server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void http_server::handle(const std::string& path, http_handler handler) {
  std::lock_guard lk(impl_->mu);
  impl_->handlers[path] = std::move(handler);
}

void http_server::delay(const std::string& path, std::chrono::milliseconds by) {
  std::lock_guard lk(impl_->mu);
  if (by.count() > 0)
    impl_->delays[path] = by;
  else
    impl_->delays.erase(path);
}

std::size_t http_server::requests() const { return impl_->served.load(); }

std::filesystem::path http_server::default_root() {
#ifdef FOOTFALL_TEST_SITE
  return FOOTFALL_TEST_SITE;
#else
  return "test/site";
#endif
}

std::string http_server::content_type_for(const std::filesystem::path& file) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
  };
  auto it = types.find(file.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace footfall::test
