#pragma once
/// Runs blocking work (libpqxx, process launch and reaping) on another executor and resumes the
/// calling coroutine on its own executor when it is done, so the CDP io thread never blocks.
#include <functional>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace footfall::engine {

namespace detail {
template <class T>
boost::asio::awaitable<T> invoke_blocking(std::function<T()> f) {
  if constexpr (std::is_void_v<T>) {
    f();
    co_return;
  } else {
    co_return f();
  }
}
}  // namespace detail

/// Calls `f` on `ex` (e.g. a thread_pool's executor) and returns its result (or rethrows).
template <class T>
boost::asio::awaitable<T> offload(boost::asio::any_io_executor ex, std::function<T()> f) {
  return boost::asio::co_spawn(ex, detail::invoke_blocking<T>(std::move(f)),
                               boost::asio::use_awaitable);
}

}  // namespace footfall::engine
