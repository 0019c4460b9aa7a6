#pragma once
/// What every session of a run adds to as it goes: actions, pages, sessions running, by type and
/// by status, dwell times. The journey bumps them; the progress line, the summary and /metrics
/// read them (so they live here, below the journey, not in the session runner).
#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "storage/records.hpp"

namespace footfall::engine {

/// Counters shared by every session of a run (read by the progress line and the summary).
struct run_counters {
  std::atomic<long> actions{0};
  /// The journey's steps: one per think, each before an action or a link (the session runner's
  /// pauses). Rows are not steps: a click on an element out of view is a scroll_to_element row
  /// per wheel gesture and then the click's row (bench_capacity counts steps, as its Playwright
  /// script does).
  std::atomic<long> steps{0};
  std::atomic<long> pages{0};
  std::atomic<int> running{0};
  std::mutex m;  ///< guards the maps below
  std::map<storage::action_type, long> by_type;
  std::map<storage::session_status, long> by_status;
  std::vector<double> dwell_ms;
};

}  // namespace footfall::engine
