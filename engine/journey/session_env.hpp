#pragma once
/// What every session of one campaign run shares — the campaign, its settings and persona, the
/// sink its rows go to, the pool, the navigation rate limiter, the run's counters, hooks — and
/// lives as long as the run. Its own header so the visitor and the session runner can both see it
/// without the visitor depending on the runner.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "engine/browsers/browser_pool.hpp"
#include "engine/config/config.hpp"
#include "engine/observe/run_counters.hpp"
#include "engine/observe/trace.hpp"
#include "engine/persona/links.hpp"
#include "storage/analytics_rows.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// Spaces navigations across the whole campaign in this process by rate_limit_delay_ms.
class rate_limiter {
 public:
  explicit rate_limiter(std::chrono::milliseconds gap) : gap_(gap) {}
  /// Waits for this navigation's turn (reserves the slot first, so waiters queue in order).
  boost::asio::awaitable<void> wait();

 private:
  std::chrono::milliseconds gap_;
  std::chrono::steady_clock::time_point next_{};
};

/// Fault injection for tests: crash the renderer of one session (Page.crash) after N actions.
struct fault_injection {
  int crash_session_index = -1;
  int crash_after_actions = 2;
};

/// Called with the live page just before a session's context closes (tests read the page's
/// recorder here). Must not capture anything the coroutine outlives.
using page_hook = std::function<boost::asio::awaitable<void>(cdp::page, storage::session_row)>;

/// Where a session's rows go: the storage writer in a campaign run (engine/journey/writer_sink.hpp),
/// the terminal in `footfall visit`. Called on the io thread: must not block.
class session_sink {
 public:
  virtual ~session_sink() = default;
  /// A finished page visit with its actions (a popup's too).
  virtual void page(storage::page_record rec) = 0;
  /// The session's final row, once every page of it was handed over.
  virtual void session(const storage::session_row& row) = 0;
};

/// Everything sessions of one campaign run share. Lives as long as the run.
class saturation_log;  // engine/observe/saturation.hpp

struct session_env {
  storage::campaign campaign;
  campaign_settings settings;
  storage::persona persona;
  std::optional<robots_rules> robots;  ///< set when respect_robots_txt and robots.txt was read
  double pace = 1.0;
  int slow_mo_ms = 0;
  std::filesystem::path screenshot_dir;
  fault_injection faults;
  session_sink* sink = nullptr;  ///< every page and the final row of each session
  browser_pool* pool = nullptr;
  rate_limiter* limiter = nullptr;
  run_counters* counters = nullptr;
  const saturation_log* saturation = nullptr;  ///< flags visits measured while saturated
  std::atomic<bool>* abort = nullptr;  ///< set on a second SIGTERM: stop sessions now
  page_hook before_close;
  /// robots.txt of the target, fetched through the first session's page when needed.
  bool robots_loaded = false;
  /// Called after a session's final row was handed to the sink, with its pages (analytics).
  std::function<void(const storage::session_row&, std::vector<storage::page_record>,
                     storage::session_signals)>
      on_session_end;
  /// Traces (engine/observe/trace.hpp): frames after every action (full) or only errors and a frame at
  /// failure (failures). on_trace gets each trace to store, on the io thread: must not block.
  trace_mode trace = trace_mode::failures;
  trace_limits trace_bounds;
  std::function<void(storage::session_trace)> on_trace;
};

}  // namespace footfall::engine
