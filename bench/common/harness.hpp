#pragma once
/// What the in-process benchmarks (bench/sessions, bench/realism, bench/capacity) share: running
/// N copies of a coroutine at once and waiting for all, warming and stopping a browser pool, the
/// environment their sessions run in, and a free port for a fixture server. Kept out of the
/// engine: only benchmarks need them.
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "engine/browsers/browser_pool.hpp"
#include "engine/journey/session_env.hpp"
#include "engine/journey/writer_sink.hpp"

namespace footfall::bench {

/// Runs `n` coroutines made by `make(i)` at once on the current executor and returns when every
/// one has ended; one that throws is logged and the others go on.
boost::asio::awaitable<void> run_concurrently(
    int n, std::function<boost::asio::awaitable<void>(int i)> make);

/// Launches the pool's browsers before the clock starts: `leases` context slots are taken and
/// given back (1: the first browser only). Returns the browsers' pids.
boost::asio::awaitable<std::vector<int>> warm_pool(engine::browser_pool* pool, int leases = 1);

/// Closes every browser of the pool.
boost::asio::awaitable<void> stop_pool(engine::browser_pool* pool);

/// A TCP port on 127.0.0.1 free at the time of the call.
int free_port();

/// One browser with `contexts` visitors at once, launched as `footfall run` launches Chromium.
engine::pool_options one_browser(int contexts);

/// The environment of sessions a benchmark runs itself: campaign `camp` with its own settings,
/// persona `p` at `pace`, recording through `writer`, pages from `pool`; nothing spaces the
/// navigations (a 0 ms rate limiter). Owns the limiter and counters `env` points to.
class session_rig {
 public:
  session_rig(const storage::campaign& camp, const storage::persona& p, double pace,
              storage::writer* writer, engine::browser_pool* pool);
  session_rig(const session_rig&) = delete;
  session_rig& operator=(const session_rig&) = delete;

  std::shared_ptr<engine::session_env> env = std::make_shared<engine::session_env>();

 private:
  engine::writer_sink sink_;
  engine::rate_limiter limiter_{std::chrono::milliseconds(0)};
  engine::run_counters counters_;
};

}  // namespace footfall::bench
