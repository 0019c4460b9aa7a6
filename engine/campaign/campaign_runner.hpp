#pragma once
/// The scheduler: claims a campaign's pending sessions with a lease (storage/leases.hpp, so many
/// worker processes can share one campaign and a lost one's sessions are reclaimed) and runs at
/// most concurrent_sessions at once across all workers over a browser pool; renews its leases by
/// heartbeat; waits database outages out (engine/campaign/campaign_db.hpp); follows pause/resume/cancel
/// from the database; on SIGTERM/SIGINT stops claiming, lets running sessions finish, flushes
/// the writer and returns (a second signal aborts them).
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/browsers/browser_pool.hpp"
#include "engine/campaign/campaign_db.hpp"
#include "engine/config/config.hpp"
#include "engine/journey/session_runner.hpp"
#include "storage/records.hpp"
#include "storage/repositories.hpp"

namespace footfall::engine {

class metrics;

/// Told twice a second how the campaign stands (database counts, this process's counters), and
/// once more with `final` set when the run ends. The CLI draws its progress line from it.
using progress_observer = std::function<void(const storage::session_counts&, run_counters&,
                                             storage::campaign_status, bool stopping, bool final)>;

/// How this process runs a campaign.
struct run_options {
  std::string database_url;
  pool_options pool = default_pool_options();
  std::optional<double> pace;  ///< overrides the campaign's pace
  int slow_mo_ms = 0;
  std::string worker_name;     ///< claimed_by; default host:pid
  progress_observer progress;  ///< none: no progress output
  std::filesystem::path screenshot_dir;
  fault_injection faults;
  page_hook before_close;        ///< tests: inspect each page before its context closes
  bool handle_signals = true;    ///< install SIGTERM/SIGINT handling
  bool record_analytics = true;  ///< session_analytics at session end, campaign_analytics at end
  /// Lease of each claimed session (--lease-s); default: the campaign's lease_s setting.
  std::optional<std::chrono::milliseconds> lease;
  /// How long database steps are retried through an outage (--outage-budget-s).
  outage_policy outage;
  /// SIGTERM/SIGINT: the whole drain, from the signal to the exit (--drain-s). Sessions get
  /// three quarters of it (at least half, at most all but 5 s); those still running then are
  /// left for their leases to lapse. The writer commits or spools in the rest.
  std::chrono::milliseconds drain{20'000};
  metrics* export_metrics = nullptr;  ///< --metrics-addr: sees the writer (engine/observe/metrics.hpp)
  /// --trace: a frame after every action of every session (engine/observe/trace.hpp); else failures only.
  trace_mode trace = trace_mode::failures;
  trace_limits trace_bounds;
};

/// What this process saw of leases.
struct lease_counters {
  long reclaimed = 0;      ///< sessions of lost workers this process put back to pending
  long failed_lost = 0;    ///< sessions this process failed as lost (past max_attempts)
  long lost_here = 0;      ///< sessions of this process whose lease another worker took
  long worker_errors = 0;  ///< worker loops that stopped on an error (outage budget spent)
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
  std::string worker_name;
  bool finished_here = false;  ///< this process completed the campaign (and ran its analytics)
  lease_counters leases;
  double outage_s = 0;       ///< time the run spent without its database
  long batches_spooled = 0;  ///< writer batches that went to the spool file
  long fenced_items = 0;     ///< rows the writer dropped as a lost attempt's
  /// Open-model arrivals of the campaign (all workers), when it has arrival phases.
  std::optional<storage::arrival_stats> arrivals;
  long dropped_here = 0;  ///< arrivals this process's claims dropped
};

/// Runs the campaign's sessions until every one has ended, in any worker (or a signal / cancel
/// stops it); a session whose worker is lost is reclaimed and run again.
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
