#pragma once
// Test support for the engine suite: a fresh database on the suite's real PostgreSQL (footfall's
// embedded server in FOOTFALL_TEST_PGDATA), the fixture site on 127.0.0.1, a campaign built in
// code, and a runner for the footfall binary.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/campaign/campaign_runner.hpp"
#include "storage/records.hpp"
#include "support/personas.hpp"
#include "support/pg/pg_fixture.hpp"

namespace footfall::test {


/// A small persona that exercises every action type.
storage::persona busy_persona(const std::string& name);

/// Stores the persona and a campaign against `target_url` (pace 0, one test user agent, 1280x800,
/// 15-s navigation timeout, then whatever `tune` sets), materializes its sessions; returns it.
storage::campaign make_campaign(
    const std::string& url, const storage::persona& p, const std::string& target_url,
    int sessions, int concurrent, std::uint64_t seed,
    const std::function<void(engine::campaign_settings&)>& tune = {});

/// Every session's pages_visited and total_actions are its stored rows (popups' visits and their
/// actions included), and nothing of it was refused (issue 23).
void check_counts_equal_rows(const fresh_database& db);

/// Run options for tests: one browser, pace 0, no signals, no progress output.
engine::run_options test_run_options(const std::string& url, int contexts);

/// What the page's recorder saw, per session id (filled by a before_close hook).
struct recorder_log {
  std::mutex m;
  std::map<std::string, nlohmann::json> by_session;
};
/// A hook that stores the recorder's events of each session in `log`.
engine::page_hook read_recorder(recorder_log* log);

/// One action row as the tests compare them.
struct recorded_action {
  std::string page_url, type, selector, input_value;
  int x = -1, y = -1;
};
/// Every action of a session, in page then action order.
std::vector<recorded_action> session_actions(const fresh_database& db, const std::string& session_id);

/// Result of running a program.
struct proc_result {
  int exit_code = -1;
  std::string out, err;
};
/// Starts argv in its own process group with stdout/stderr captured; `wait` collects it.
struct child_proc {
  int pid = -1;
  std::string out_path, err_path;
};
child_proc spawn(const std::vector<std::string>& argv);
proc_result wait(child_proc& c, std::chrono::seconds timeout);

/// Two `footfall worker` processes on campaign `campaign_id` at once (each 1 browser x 2
/// contexts, --no-progress --json), each waited for up to `timeout`.
std::pair<proc_result, proc_result> two_workers(const std::string& url,
                                                const std::string& campaign_id,
                                                std::chrono::seconds timeout);

}  // namespace footfall::test
