#pragma once
/// The live progress of a run: one rewritten line on a terminal (done/failed/running,
/// actions/s, ETA), a structured log line every few seconds otherwise.
#include <chrono>
#include <string>

#include "engine/journey/session_runner.hpp"
#include "storage/repositories.hpp"

namespace footfall::engine {

class progress_reporter {
 public:
  progress_reporter(std::string campaign, int total_sessions);
  /// Called twice a second with the database's counts and this process's counters.
  void update(const storage::session_counts& c, run_counters& rc, storage::campaign_status status,
              bool stopping);
  /// Ends the line (terminal) and logs the last state.
  void finish(const storage::session_counts& c, run_counters& rc, storage::campaign_status status,
              bool stopping);

 private:
  std::string line(const storage::session_counts& c, run_counters& rc,
                   storage::campaign_status status, bool stopping);
  /// Open model: arrivals started of those due, late, dropped, lateness p50/p95.
  static std::string arrivals_part(const storage::session_counts& c);
  std::string campaign_;
  int total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_log_{};
  long start_ended_ = -1;
};

}  // namespace footfall::engine
