#pragma once
/// The HTTP endpoint of `--metrics-addr HOST:PORT`: GET /metrics (Prometheus text format),
/// /healthz (200 while the process serves) and /readyz (200 while the run is in progress and the
/// database answers, else 503), on its own thread so a busy or blocked run never delays a scrape.
///
/// Why not prometheus-cpp's pull library (civetweb Exposer): it serves only collectables — no
/// /healthz or /readyz with a status of our choosing — and brings a second HTTP stack; Beast is
/// already here. prometheus-cpp's core still builds the metric families and the text format.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/observe/metrics.hpp"

namespace footfall::engine {

/// "HOST:PORT" split and checked.
struct host_port {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses "HOST:PORT" (an IPv4 address or a host name; port 0..65535, 0 = any free port);
/// throws std::invalid_argument saying what is expected.
host_port parse_host_port(std::string_view s);

/// Serves `m` until destroyed.
class metrics_server {
 public:
  /// Binds and listens (throws std::runtime_error naming the address when it cannot).
  metrics_server(const host_port& at, std::shared_ptr<const metrics> m);
  /// Stops the thread (in-flight requests are dropped).
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  /// The bound port (the chosen one when 0 was asked for).
  std::uint16_t port() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace footfall::engine
