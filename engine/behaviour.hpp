#pragma once
/// The persona's behaviour model: how long a session lasts, how many pages and actions it has,
/// and which action comes next. Pure and seeded: one (seed, session index) gives one journey.
#include <vector>

#include "engine/rng.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// What one session intends to do, drawn once at its start.
struct session_plan {
  int duration_ms = 0;  ///< planned length at pace 1, within the persona's min/max seconds
  int pages = 1;        ///< pages to visit, within pages_min/max
};

/// Draws a session's length and page count from the persona's ranges.
session_plan plan_session(const storage::persona& p, rng& r);

/// Number of actions on one page, within actions_per_page_min/max.
int actions_on_page(const storage::persona& p, rng& r);

/// The relative weight of each action type a persona may choose mid-page (the 11 non-page types).
/// scroll/click/typing follow the persona's probabilities; the others occur at small fixed rates
/// tied to them (hover goes with clicking, select and clear with typing).
std::vector<std::pair<storage::action_type, double>> action_weights(const storage::persona& p);

/// Draws the next mid-page action type.
storage::action_type next_action(const storage::persona& p, rng& r);

/// Think time before an action, in ms at pace 1: log-normal around the median that spreads the
/// planned session duration over its expected number of actions.
double think_time_ms(const session_plan& plan, const storage::persona& p, rng& r);

/// Scales a human duration by pace (1 human, 0 none); never negative.
inline double paced(double ms, double pace) { return ms > 0 && pace > 0 ? ms * pace : 0.0; }

}  // namespace footfall::engine
