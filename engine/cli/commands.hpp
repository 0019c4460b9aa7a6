#pragma once
/// The CLI's commands. Each takes the arguments after its own name and returns the exit code.
/// Every command answers --help. Results go to stdout, logs to stderr.
#include <stdexcept>
#include <string>
#include <vector>

namespace footfall::cli {

/// Exit codes shared by every command.
/// 4: a comparison could not tell (compare's INCONCLUSIVE; --inconclusive pass|fail maps it).
enum exit_code : int {
  ok = 0,
  verdict_failed = 1,
  bad_input = 2,
  runtime_failure = 3,
  verdict_inconclusive = 4
};

/// Thrown for bad arguments or invalid input files; main prints it and exits 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using args = std::vector<std::string>;

int cmd_visit(const args& a);      // engine/cli/cmd_visit.cpp     — one visit to a URL
int cmd_run(const args& a);        // engine/cli/cmd_run.cpp       — run a campaign
int cmd_worker(const args& a);     // engine/cli/cmd_run.cpp       — join a campaign as a worker
int cmd_persona(const args& a);    // engine/cli/cmd_config.cpp    — persona add|list|show
int cmd_campaign(const args& a);   // engine/cli/cmd_config.cpp    — campaign create|list|show|…
int cmd_db(const args& a);         // engine/cli/cmd_db.cpp        — db migrate|start|stop|…
int cmd_analytics(const args& a);  // engine/cli/cmd_report.cpp    — analytics recompute
int cmd_report(const args& a);     // engine/cli/cmd_report.cpp    — report CAMPAIGN
int cmd_compare(const args& a);    // engine/cli/cmd_report.cpp    — compare BASELINE CANDIDATE
int cmd_replay(const args& a);     // engine/cli/cmd_replay.cpp    — replay SESSION_ID
int cmd_har(const args& a);        // engine/cli/cmd_har.cpp       — har SESSION_ID

}  // namespace footfall::cli
