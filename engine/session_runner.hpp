#pragma once
/// One simulated visitor: a browser context with its user agent and viewport, a seeded journey
/// of pages and actions with human-like real input, every action recorded through the writer.
#include <atomic>
#include <functional>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "engine/browser_pool.hpp"
#include "engine/config.hpp"
#include "engine/links.hpp"
#include "engine/trace.hpp"
#include "storage/analytics_rows.hpp"
#include "storage/records.hpp"
#include "storage/writer.hpp"

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

/// Counters shared by every session of a run (read by the progress line and the summary).
struct run_counters {
  std::atomic<long> actions{0};
  std::atomic<long> pages{0};
  std::atomic<int> running{0};
  std::mutex m;  ///< guards the maps below
  std::map<storage::action_type, long> by_type;
  std::map<storage::session_status, long> by_status;
  std::vector<double> dwell_ms;
};

/// Fault injection for tests: crash the renderer of one session (Page.crash) after N actions.
struct fault_injection {
  int crash_session_index = -1;
  int crash_after_actions = 2;
};

/// Called with the live page just before a session's context closes (tests read the page's
/// recorder here). Must not capture anything the coroutine outlives.
using page_hook = std::function<boost::asio::awaitable<void>(cdp::page, storage::session_row)>;

/// Everything sessions of one campaign run share. Lives as long as the run.
class saturation_log;  // engine/saturation.hpp

struct session_env {
  storage::campaign campaign;
  campaign_settings settings;
  storage::persona persona;
  std::optional<robots_rules> robots;  ///< set when respect_robots_txt and robots.txt was read
  double pace = 1.0;
  int slow_mo_ms = 0;
  std::filesystem::path screenshot_dir;
  fault_injection faults;
  storage::writer* writer = nullptr;
  browser_pool* pool = nullptr;
  rate_limiter* limiter = nullptr;
  run_counters* counters = nullptr;
  const saturation_log* saturation = nullptr;  ///< flags visits measured while saturated
  std::atomic<bool>* abort = nullptr;  ///< set on a second SIGTERM: stop sessions now
  page_hook before_close;
  /// robots.txt of the target, fetched through the first session's page when needed.
  bool robots_loaded = false;
  /// Called after a session's final row was handed to the writer, with its pages (analytics).
  std::function<void(const storage::session_row&, std::vector<storage::page_record>,
                     storage::session_signals)>
      on_session_end;
  /// Traces (engine/trace.hpp): frames after every action (full) or only errors and a frame at
  /// failure (failures). on_trace gets each trace to store, on the io thread: must not block.
  trace_mode trace = trace_mode::failures;
  trace_limits trace_bounds;
  std::function<void(storage::session_trace)> on_trace;
};

/// What became of a session.
struct session_outcome {
  storage::session_status status = storage::session_status::completed;
  int pages = 0;
  int actions = 0;
  std::string error;
};

/// Runs one claimed session to its end and writes its final row (and every page) through the
/// writer. Never throws for the session's own failures: they become its status.
boost::asio::awaitable<session_outcome> run_session(std::shared_ptr<session_env> env,
                                                    storage::session_row row);

/// The user agent and viewport a session gets, drawn from its seed (used when materializing).
void assign_identity(const storage::campaign& c, const campaign_settings& s,
                     storage::session_row& row);

/// How a session's page is opened: its user agent and viewport (assign_identity), with the
/// platform, client hints and screen that go with them (engine/identity.hpp), and commands
/// timing out after the navigation timeout. `run` and `visit` both open their page with it.
cdp::page_options session_page_options(const storage::session_row& row,
                                       int navigation_timeout_ms);

}  // namespace footfall::engine
