#pragma once
/// A pool of Chromium processes, each hosting several isolated browser contexts (one per
/// session). Launching and reaping run off the io thread; a browser whose connection closes is
/// marked dead, its sessions fail on their own, and it is replaced on the next acquire once its
/// last session has let go. Everything except the constructor runs on the io thread.
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cdp/browser.hpp"
#include "cdp/launcher.hpp"

namespace footfall::engine {

/// Pool sizing and launch settings.
struct pool_options {
  int browsers = 1;
  int contexts_per_browser = 4;
  cdp::launch_options launch;
};

/// Defaults from the machine: one browser per 2 cores (at least 1), 4 contexts each, fewer when
/// memory is short (~250 MiB per context).
pool_options default_pool_options();

/// What a session holds while it uses a browser.
struct browser_lease {
  std::shared_ptr<cdp::browser> browser;
  int slot = -1;
  int generation = 0;
};

class browser_pool {
 public:
  /// `io` runs CDP; `blocking` runs launches and process teardown.
  browser_pool(boost::asio::any_io_executor io, boost::asio::any_io_executor blocking,
               pool_options o);
  ~browser_pool();
  browser_pool(const browser_pool&) = delete;
  browser_pool& operator=(const browser_pool&) = delete;

  /// A browser with a free context slot, launching or replacing one if needed. Throws
  /// cdp::launch_error when Chromium cannot be started.
  boost::asio::awaitable<browser_lease> acquire();
  /// Gives the slot back; `browser_failed` marks the browser dead (it is replaced).
  void release(const browser_lease& l, bool browser_failed = false);
  /// Closes every browser (graceful, then SIGKILL) on the blocking executor and waits.
  boost::asio::awaitable<void> shutdown();

  int capacity() const { return opts_.browsers * opts_.contexts_per_browser; }
  int launches() const { return launches_; }
  int replacements() const { return replacements_; }
  /// Pids of the running browsers (for CPU accounting in the benchmark).
  std::vector<int> pids() const;

 private:
  struct slot;
  boost::asio::awaitable<void> launch(int index);
  boost::asio::awaitable<void> retire(int index);
  void notify();

  boost::asio::any_io_executor io_, blocking_;
  pool_options opts_;
  std::vector<std::shared_ptr<slot>> slots_;
  boost::asio::steady_timer changed_;
  int launches_ = 0;
  int replacements_ = 0;
  bool closed_ = false;
};

}  // namespace footfall::engine
