#pragma once
/// The campaign runner's database access: one connection on one database thread, reached from
/// coroutines on the CDP io thread (which never blocks on it), that waits database outages out.
/// A transient failure (connection lost, server restarting or shutting down) drops the connection
/// and retries the whole step with backoff until the outage budget is spent; only then does the
/// step throw. Input errors (storage's invalid_argument family) are never retried.
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "engine/browsers/offload.hpp"
#include "storage/connection.hpp"

namespace footfall::engine {

/// How long and how often a step is retried through an outage.
struct outage_policy {
  std::chrono::milliseconds budget{5 * 60'000};  ///< give up after this long without the database
  std::chrono::milliseconds first_retry{200};
  std::chrono::milliseconds max_retry{2'000};
};

/// See the file comment. Thread-safe; the connection itself is used on the db executor only.
class campaign_db {
 public:
  /// `db` must be a single-threaded executor (a thread_pool of one).
  campaign_db(boost::asio::any_io_executor db, storage::database_url url, outage_policy p);

  /// Runs `step(connection)` on the database thread; retries through outages (see file comment).
  /// `what` names the step in logs and in the error thrown once the budget is spent.
  template <class T>
  boost::asio::awaitable<T> run(std::string what, std::function<T(storage::connection&)> step) {
    auto wait = policy_.first_retry;
    for (;;) {
      std::function<T()> once = [this, step] { return step(connection_on_db_thread()); };
      std::exception_ptr failed;
      try {
        T r = co_await offload<T>(db_, std::move(once));
        note_success(what);
        co_return r;
      } catch (...) {
        failed = std::current_exception();  // no co_await inside a handler
      }
      boost::asio::steady_timer t(co_await boost::asio::this_coro::executor,
                                  retry_wait(what, failed, wait));
      co_await t.async_wait(boost::asio::use_awaitable);
    }
  }

  /// The same, blocking the calling thread (never the io thread): for the run's last steps.
  template <class T>
  T run_blocking(const std::string& what, std::function<T(storage::connection&)> step);

  /// Queues `step` on the database thread and returns at once; a transient failure is retried
  /// there, with the same backoff and budget as run() (the thread waits: what is queued behind
  /// it keeps its order). Given up (budget spent, input error, draining): logged, dropped.
  /// For the side thread's writes that the io thread never waits for (a failed session's trace:
  /// one refused connection must not lose it). Session analytics is posted without retries on
  /// purpose: finish_campaign recomputes it for every session at the end.
  void post_retrying(std::string what, std::function<void(storage::connection&)> step);

  /// The executor of the database thread.
  boost::asio::any_io_executor executor() const { return db_; }
  /// The database thread's connection (reconnecting when dropped). Call on that thread only.
  storage::connection& connection_on_db_thread();
  /// Total time this run spent without the database, seconds.
  double outage_seconds() const;
  /// From now on a failed step is not retried through an outage: it throws at once. The drain
  /// after SIGTERM has a budget of its own, and a database that is down must not hold it.
  void stop_waiting_out_outages();

 private:
  /// The one retry rule of run(), run_blocking() and post_retrying(), which differ only in how
  /// they run a step and how they wait: rethrows `failed` when it must not be retried (an input
  /// error, not transient, the budget spent); else returns how long to wait before the next try
  /// and doubles `wait` up to the policy's maximum.
  std::chrono::milliseconds retry_wait(const std::string& what, std::exception_ptr failed,
                                       std::chrono::milliseconds& wait);
  /// Counts the failure; false when it is not transient or the outage budget is spent.
  bool note_failure(const std::string& what, const std::exception& e);
  void note_success(const std::string& what);

  boost::asio::any_io_executor db_;
  storage::database_url url_;
  outage_policy policy_;
  std::unique_ptr<storage::connection> conn_;  ///< db thread only
  mutable std::mutex m_;
  std::optional<std::chrono::steady_clock::time_point> down_since_;
  std::chrono::steady_clock::duration down_total_{};
  bool drop_ = false;  ///< the next step reconnects first
  bool no_retries_ = false;  ///< stop_waiting_out_outages()
};

template <class T>
T campaign_db::run_blocking(const std::string& what, std::function<T(storage::connection&)> step) {
  auto wait = policy_.first_retry;
  for (;;) {
    std::promise<T> p;
    auto f = p.get_future();
    boost::asio::post(db_, [&] {
      try {
        p.set_value(step(connection_on_db_thread()));
      } catch (...) {
        p.set_exception(std::current_exception());
      }
    });
    std::exception_ptr failed;
    try {
      T r = f.get();
      note_success(what);
      return r;
    } catch (...) {
      failed = std::current_exception();
    }
    std::this_thread::sleep_for(retry_wait(what, failed, wait));
  }
}

}  // namespace footfall::engine
