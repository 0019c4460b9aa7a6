#pragma once
// Internal to engine/replay/replay*.cpp: the state one replay shares between its loop (replay.cpp) and
// its per-action steps (replay_steps.cpp).
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "engine/journey/actions.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/page/page_agent.hpp"
#include "engine/replay/replay.hpp"

namespace footfall::engine::detail {

/// One replay's live state. Lives in replay_session's frame; steps get a pointer.
struct replayer {
  replayer(replay_options opts, storage::uuid session, std::uint64_t seed)
      : o(std::move(opts)), recorder(session, [](storage::page_record) {}), r(seed), seed(seed) {}

  replay_options o;
  cdp::page page;
  std::shared_ptr<page_agent> agent;
  /// The replay's own record of what it did (press() and the click outcome write to it); never
  /// stored: a replay adds nothing to the database.
  visit_recorder recorder;
  rng r;
  std::uint64_t seed;
  bool bursts = false;             ///< recorded at pace 0 (recorded_in_bursts)
  int arrived_visit = 0;           ///< the recorded visit the tab is on now (0: none yet)
  int console_reported_visit = 0;  ///< the visit whose extra console errors were reported

  action_context context();
};

/// Performs one step and checks it; `res` comes in matched and leaves with what was found.
/// Returns true when the replay cannot go on (the tab is not where the recording was).
boost::asio::awaitable<bool> perform_step(replayer* s, replay_step st, step_result* res);

/// Marks `res` diverged with `kind` and `detail`.
void diverge(step_result* res, divergence_kind kind, std::string detail);

}  // namespace footfall::engine::detail
