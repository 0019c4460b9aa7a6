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

/// What one human-paced (pace 1) visitor costs, measured by bench/capacity on the 2-core dev VM
/// (README "Capacity"), quiet, 2026-12-07, on the fixture site without the tests' input recorder
/// (whose own cost grew with every event a visitor sent: bench/capacity/page_events.js): footfall
/// + Chromium used 5.4–6.7 CPU s per visitor-minute at 1–12 visitors in one browser (6.5 kept)
/// and 858 / 1292 MiB PSS at 6 / 12 visitors against 471 MiB for one: ~75 MiB per visitor (80
/// kept) beyond a browser's own ~370 MiB. (Until then 8.3 s and 90 MiB, measured with the
/// recorder on every page.)
struct visitor_costs {
  double cpu_s_per_visitor_minute = 6.5;
  double mib_per_visitor = 80;
  double mib_per_browser = 370;
  /// Share of the cores and of the available memory the visitors may use: the rest keeps the
  /// action start lag and the page load times at fidelity (bench/capacity's rule).
  double cpu_headroom = 0.7;
  double memory_headroom = 0.5;
  /// Contexts are packed into as few browsers as this allows: the same 6 visitors on 2 browsers
  /// instead of 1 cost 190 MiB more PSS and held no better (bench/capacity --browsers 2).
  int max_contexts_per_browser = 16;
};

/// What a visitor costs in browser `k`: chromium's figures above; the headless shell's measured
/// the same way, back to back with chromium's (README "Browser choice").
visitor_costs visitor_costs_for(cdp::browser_kind k);

/// The machine a pool is sized for.
struct machine_resources {
  unsigned cores = 1;
  double available_mib = 0;  ///< MemAvailable
};

/// Pool size for human-paced visitors on `m`: as many as the cores hold at `c`'s CPU per
/// visitor-minute and the memory holds at its PSS per visitor (the lower), spread over the
/// fewest browsers that keep each within max_contexts_per_browser. Pure; at least 1 × 1.
pool_options size_pool(const machine_resources& m, const visitor_costs& c = {});

/// The machine now: hardware_concurrency and /proc/meminfo's MemAvailable.
machine_resources this_machine();

/// Defaults from the machine: size_pool(this_machine()) (full Chromium's costs).
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
