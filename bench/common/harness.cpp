#include "bench/common/harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "engine/browsers/launch_flags.hpp"

namespace footfall::bench {

namespace asio = boost::asio;

asio::awaitable<void> run_concurrently(int n, std::function<asio::awaitable<void>(int)> make) {
  auto ex = co_await asio::this_coro::executor;
  auto left = std::make_shared<int>(n);
  // A timer that never fires on its own: cancelled by the last coroutine to end.
  auto done = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  for (int i = 0; i < n; ++i)
    asio::co_spawn(ex, make(i), [left, done](std::exception_ptr e) {
      if (e) spdlog::error("bench coroutine failed");
      if (--*left == 0) done->cancel();
    });
  while (*left > 0) {
    boost::system::error_code ec;
    co_await done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<std::vector<int>> warm_pool(engine::browser_pool* pool, int leases) {
  std::vector<engine::browser_lease> held;
  for (int i = 0; i < leases; ++i) held.push_back(co_await pool->acquire());
  for (const auto& l : held) pool->release(l);
  co_return pool->pids();
}

asio::awaitable<void> stop_pool(engine::browser_pool* pool) { co_await pool->shutdown(); }

engine::pool_options one_browser(int contexts) {
  engine::pool_options po;
  po.browsers = 1;
  po.contexts_per_browser = contexts;
  po.launch.extra_args = engine::session_launch_args();
  return po;
}

session_rig::session_rig(const storage::campaign& camp, const storage::persona& p, double pace,
                         storage::writer* writer, engine::browser_pool* pool)
    : sink_(*writer) {
  env->campaign = camp;
  env->settings = engine::campaign_settings::from_json(camp.settings);
  env->persona = p;
  env->pace = pace;
  env->sink = &sink_;
  env->pool = pool;
  env->limiter = &limiter_;
  env->counters = &counters_;
}

int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

}  // namespace footfall::bench
