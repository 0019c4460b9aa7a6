#include "engine/observe/metrics_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <stdexcept>
#include <thread>

namespace footfall::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

host_port parse_host_port(std::string_view s) {
  const auto colon = s.rfind(':');
  const auto bad = [&] {
    return std::invalid_argument("expected HOST:PORT (e.g. 0.0.0.0:9464), got '" + std::string(s) +
                                 "'");
  };
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) throw bad();
  host_port out;
  out.host = std::string(s.substr(0, colon));
  unsigned port = 0;
  const auto digits = s.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535) throw bad();
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

struct metrics_server::impl {
  std::shared_ptr<const metrics> m;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;
};

namespace {

http::response<http::string_body> answer(const metrics& m,
                                         const http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(false);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  const auto target = req.target();
  const auto path = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get) {
    res.result(http::status::method_not_allowed);
    res.body() = "GET only\n";
  } else if (path == "/metrics") {
    // The content type Prometheus expects for the text format, version 0.0.4.
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = m.scrape();
  } else if (path == "/healthz") {
    res.body() = "ok\n";
  } else if (path == "/readyz") {
    const bool ready = m.ready();
    res.result(ready ? http::status::ok : http::status::service_unavailable);
    res.body() = ready ? "ready\n" : (m.finished() ? "run finished\n" : "not ready\n");
  } else {
    res.result(http::status::not_found);
    res.body() = "not found: /metrics, /healthz, /readyz\n";
  }
  res.prepare_payload();
  return res;
}

asio::awaitable<void> serve_one(tcp::socket sock, std::shared_ptr<const metrics> m) {
  beast::tcp_stream stream(std::move(sock));
  beast::flat_buffer buf;
  http::request<http::string_body> req;
  // A scraper that connects and says nothing must not hold a socket forever.
  stream.expires_after(std::chrono::seconds(10));
  co_await http::async_read(stream, buf, req, asio::use_awaitable);
  auto res = answer(*m, req);
  co_await http::async_write(stream, res, asio::use_awaitable);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept_loop(metrics_server::impl* d) {
  for (;;) {
    tcp::socket sock = co_await d->acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(d->io, serve_one(std::move(sock), d->m), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::debug("metrics request: {}", x.what());
      }
    });
  }
}

}  // namespace

metrics_server::metrics_server(const host_port& at, std::shared_ptr<const metrics> m)
    : impl_(std::make_unique<impl>()) {
  impl_->m = std::move(m);
  const auto where = at.host + ":" + std::to_string(at.port);
  try {
    tcp::resolver resolver(impl_->io);
    const auto endpoints = resolver.resolve(at.host, std::to_string(at.port));
    const tcp::endpoint ep = endpoints.begin()->endpoint();
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
  } catch (const std::exception& e) {
    throw std::runtime_error("--metrics-addr " + where + ": cannot listen: " + e.what());
  }
  asio::co_spawn(impl_->io, accept_loop(impl_.get()), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& x) {
      if (x.code() != asio::error::operation_aborted)
        spdlog::error("metrics endpoint stopped: {}", x.what());
    } catch (const std::exception& x) {
      spdlog::error("metrics endpoint stopped: {}", x.what());
    }
  });
  impl_->thread = std::thread([d = impl_.get()] { d->io.run(); });
  spdlog::info("metrics on http://{}:{}/metrics (/healthz, /readyz)", at.host, port());
}

metrics_server::~metrics_server() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t metrics_server::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace footfall::engine
