#pragma once
/// The scheduler: claims a campaign's pending sessions (SELECT … FOR UPDATE SKIP LOCKED, so many
/// worker processes can share one campaign) and runs at most concurrent_sessions at once over a
/// browser pool; follows pause/resume/cancel from the database; on SIGTERM/SIGINT stops claiming,
/// lets running sessions finish, flushes the writer and returns (a second signal aborts them).
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/browser_pool.hpp"
#include "engine/config.hpp"
#include "engine/session_runner.hpp"
#include "storage/records.hpp"
#include "storage/repositories.hpp"

namespace footfall::engine {

class metrics;

/// Told twice a second how the campaign stands (database counts, this process's counters), and
/// once more with `final` set when the run ends. The CLI draws its progress line from it.
using progress_observer =
    std::function<void(const storage::session_counts&, run_counters&, storage::campaign_status,
                       bool stopping, bool final)>;

/// How this process runs a campaign.
struct run_options {
  std::string database_url;
  pool_options pool = default_pool_options();
  std::optional<double> pace;  ///< overrides the campaign's pace
  int slow_mo_ms = 0;
  std::string worker_name;  ///< claimed_by; default host:pid
  progress_observer progress;  ///< none: no progress output
  std::filesystem::path screenshot_dir;
  fault_injection faults;
  page_hook before_close;        ///< tests: inspect each page before its context closes
  bool handle_signals = true;    ///< install SIGTERM/SIGINT handling
  bool record_analytics = true;  ///< session_analytics at session end, campaign_analytics at end
  metrics* export_metrics = nullptr;  ///< --metrics-addr: sees the writer (engine/metrics.hpp)
};

/// What a run did (this process) and where the campaign stands (database).
struct run_summary {
  storage::uuid campaign_id;
  std::string campaign_name;
  storage::campaign_status campaign_status = storage::campaign_status::running;
  std::map<storage::session_status, long> campaign_sessions;  ///< all workers, from the database
  std::map<storage::session_status, long> run_sessions;       ///< this process
  long pages = 0;
  long actions = 0;
  std::map<storage::action_type, long> actions_by_type;
  std::optional<double> p50_dwell_ms;
  double wall_s = 0;
  bool interrupted = false;  ///< stopped by a signal before the campaign ended
  int browser_launches = 0;
  int browser_replacements = 0;
};

/// Runs the campaign's pending sessions until none is left (or a signal / cancel stops it).
/// Moves the campaign pending|paused→running first (a paused campaign is waited for when
/// `resume_paused` is false) and to completed (or failed when no session completed) when every
/// session has ended. Blocking.
run_summary run_campaign(const storage::uuid& campaign_id, run_options o, bool resume_paused);

/// Creates the sessions of a campaign as pending rows (idempotent), with their user agent and
/// viewport drawn from the campaign seed.
std::size_t materialize_sessions(const std::string& database_url, const storage::campaign& c);

/// Text table of a summary (for stdout).
std::string format_summary(const run_summary& s);
/// JSON form of a summary.
nlohmann::json summary_json(const run_summary& s);

}  // namespace footfall::engine
