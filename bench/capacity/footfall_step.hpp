#pragma once
/// One capacity step run by footfall's engine: N visitors, each a worker running real campaign
/// sessions (engine::run_session, pace 1, recording through the storage writer) back to back
/// until the hold window ends; fidelity from the recorded rows themselves (actions.start_lag_ms,
/// page_visits.load_ms).
#include <string>

#include "bench/capacity/step.hpp"
#include "cdp/launcher.hpp"
#include "storage/writer.hpp"

namespace footfall::bench {

/// How footfall's pool is set up for a step.
struct footfall_setup {
  std::string database_url;
  storage::writer* writer = nullptr;
  int browsers = 1;  ///< browsers for the step (capped at the visitors); contexts spread on them
  cdp::launch_options launch;
  bool page_health = true;  ///< the campaign's "page_health" (requests and vitals recorded)
};

/// Runs one step on a fresh pool (launched before the step, shut down after it).
step_result run_footfall_step(const step_plan& plan, const footfall_setup& setup);

}  // namespace footfall::bench
