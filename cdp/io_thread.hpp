#pragma once
/// An io_context running on its own thread, for callers (CLI, tests, pool) that are not
/// coroutines themselves. All CDP I/O of the connections created on it runs on that thread.
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cdp/json.hpp"

namespace footfall::cdp {

/// Owns an io_context and the one thread that runs it; joins on destruction.
class io_thread {
 public:
  io_thread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~io_thread() {
    work_.reset();
    io_.stop();
    thread_.join();
  }
  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  /// Runs `coro` on the io thread and blocks until it finishes; rethrows its exception.
  /// Never call from the io thread itself (it would deadlock).
  template <class T>
  T run(asio::awaitable<T> coro) {
    return asio::co_spawn(io_, std::move(coro), asio::use_future).get();
  }
  /// Starts `coro` on the io thread; the future holds its result or exception.
  template <class T>
  std::future<T> spawn(asio::awaitable<T> coro) {
    return asio::co_spawn(io_, std::move(coro), asio::use_future);
  }
  asio::io_context& context() { return io_; }
  asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace footfall::cdp
