#pragma once
// Ctrl-C / SIGTERM for the one-browser commands (visit, replay): one rule, written once (issue
// 20). The signal kills the browsers' process groups; the command's coroutine then fails with
// connection_closed and everything unwinds (process reaped, profile removed), and the command
// reports "interrupted by signal" (exit 3) instead of that failure. `run` and `worker` drain
// instead (engine/campaign/campaign_runner.cpp): they have sessions and a database to finish.
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace footfall::cli {

class interrupt_guard {
 public:
  /// Watches SIGINT and SIGTERM on `io`; `what` names the command in the log line.
  interrupt_guard(boost::asio::io_context& io, std::string what);
  /// Stops watching (call when the command's work has ended, so io.run() can return).
  void cancel();
  /// Throws std::runtime_error("interrupted by signal") when a signal came.
  void rethrow_if_interrupted() const;

 private:
  boost::asio::signal_set signals_;
  std::string what_;
  bool interrupted_ = false;
};

}  // namespace footfall::cli
