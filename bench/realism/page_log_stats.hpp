#pragma once
/// bench/realism's arithmetic: the issue-11 table computed from recorder logs (page-side event
/// times, test/site/recorder.js), and the separation of the scores between pace 1 and pace 0.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/analytics_rows.hpp"

namespace footfall::bench {

/// Pooled page-side measurements of one pace's sessions.
struct page_measures {
  int sessions = 0;
  std::vector<double> iki;             ///< keydown→next keydown within a burst (< 2 s), ms
  std::vector<double> key_holds;       ///< keydown→keyup of non-modifier keys, ms
  int keydowns = 0, overlaps = 0;      ///< keydowns while another key was held (rollover)
  std::vector<double> shift_gaps;      ///< Shift keydown → the shifted key's keydown, ms
  std::vector<double> backspace_gaps;  ///< Backspace keydown → next keydown (correction), ms
  std::vector<double> click_holds;     ///< mousedown→mouseup, ms
  std::vector<double> click_offsets;   ///< max(|fx − .5|, |fy − .5|) of each press
  int in_box = 0;                      ///< presses inside the 30–70 % box on both axes
  std::set<int> wheel_values;          ///< distinct |delta| of wheel events
  int wheel_events = 0;
  std::map<std::string, int> devices;  ///< sessions per wheel-delta class
  int scroll_events = 0, scrolls_without_input = 0;
  std::vector<double> jumps;           ///< scrollY change of scrolls without input, px
  int rest_moves = 0;                  ///< mousemoves of ≤ 2 px ≥ 90 ms after the previous one
  std::vector<double> path_ratios;     ///< pointer path length / straight distance before presses
  std::vector<double> peak_at;         ///< time to peak speed / movement time
  std::vector<double> peak_over_mean;  ///< peak speed / mean speed
  std::vector<double> pauses;          ///< gaps > 300 ms between input events, ms
};

/// Measures every session's log (session index → recorder events).
page_measures measure(const std::map<int, nlohmann::json>& logs);

/// min/max of each score per pace and the ranking AUCs.
struct score_separation {
  std::vector<double> behaviour1, behaviour0, rhythm1, rhythm0, environment1, environment0,
      detection1, detection0;
  double auc_behaviour = 0;  ///< P(pace-0 behaviour > pace-1 behaviour), ties ½
  double auc_rhythm = 0;     ///< P(pace-1 rhythm > pace-0 rhythm), ties ½
};
score_separation separation(const std::vector<storage::session_analytics_row>& pace1,
                            const std::vector<storage::session_analytics_row>& pace0);

void print_table(const page_measures& p1, const page_measures& p0, int sessions);
void print_scores(const score_separation& s);
nlohmann::json to_json(const page_measures& p1, const page_measures& p0, const score_separation& s);
/// The targets; prints each with PASS/FAIL. True when all pass.
bool targets_met(const page_measures& p1, const score_separation& s);

}  // namespace footfall::bench
