#pragma once
/// The persona's behaviour model: how long a session lasts, how many pages and actions it has,
/// and which action comes next. Pure and seeded: one (seed, session index) gives one journey.
#include <vector>

#include "engine/persona/rng.hpp"
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

/// How many thinks a session still has ahead: the `actions_left` on this page (the next one
/// included), then for each page still planned after `page_no` one before its link and one before
/// each of its expected actions. At least 1.
int thinks_left(const session_plan& plan, const storage::persona& p, int page_no, int actions_left);

/// Think times of one session, in ms at pace 1: log-normal (σ 0.5, capped at 5× the median).
/// Each spreads what is left of the planned duration — the plan less the time elapsed — over the
/// thinks still ahead, after setting aside for each the time an action has taken so far in this
/// session (elapsed less the thinks already given, per think). What is left, not what was
/// planned: an action's own time (a Fitts-timed move, a flick of notches, per-key typing, waiting
/// for a click's outcome) comes out of the same visit, and spreading the whole plan over the
/// thinks alone made a 20–30 s plan last 38–47 s. The median is 150 ms … 15 s; a session whose
/// actions alone overrun the plan thinks at the floor (and ends after pages_min: run_journey).
class think_budget {
 public:
  explicit think_budget(const session_plan& plan) : planned_ms_(plan.duration_ms) {}
  /// The next think; `elapsed_ms` since the session began (at pace 1), `thinks` still ahead
  /// (thinks_left) with this one.
  double next(rng& r, double elapsed_ms, int thinks);
  double given_ms() const { return given_ms_; }  ///< the thinks given so far, summed
  int given() const { return given_; }

 private:
  double planned_ms_;
  double given_ms_ = 0;  ///< thinks given so far
  int given_ = 0;
};

/// Scales a human duration by pace (1 human, 0 none); never negative.
inline double paced(double ms, double pace) { return ms > 0 && pace > 0 ? ms * pace : 0.0; }

}  // namespace footfall::engine
