#pragma once
/// A static HTTP server for tests: serves a directory (the fixture site) on 127.0.0.1, an
/// ephemeral port, from its own thread. Routes a test registers take precedence over files.
/// Built-in routes for failure tests:
///   /__hang       accepts the request and never answers (a server that hangs);
///   /__hang-body  sends headers and half a page, then never finishes (a page that never loads).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footfall::test {

/// What a handler sees of a request.
struct http_request {
  std::string method;
  std::string target;  ///< Path and query, as sent ("/form?x=1").
  std::string path;    ///< Path only ("/form").
  std::string body;
};

/// What a handler answers.
struct http_response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using http_handler = std::function<http_response(const http_request&)>;

/// The server; stops and joins its thread on destruction (hanging requests are dropped).
class http_server {
 public:
  /// Serves `root` (defaults to the fixture site test/site).
  explicit http_server(std::filesystem::path root = default_root());
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The bound port (chosen by the OS).
  std::uint16_t port() const;
  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "/") const;
  /// Answers requests for exactly `path` (query ignored) with `handler`; thread-safe.
  void handle(const std::string& path, http_handler handler);
  /// Answers requests for exactly `path` (query ignored) `by` later than usual: a known
  /// slowdown for verdict tests (bench/verdicts). Zero removes it; thread-safe. The wait is a
  /// timer, so other connections are served meanwhile.
  void delay(const std::string& path, std::chrono::milliseconds by);
  /// Requests answered or accepted so far.
  std::size_t requests() const;

  /// The fixture site directory (FOOTFALL_TEST_SITE).
  static std::filesystem::path default_root();
  /// The Content-Type served for a file name (by extension).
  static std::string content_type_for(const std::filesystem::path& file);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace footfall::test
