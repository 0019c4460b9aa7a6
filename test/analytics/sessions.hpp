#pragma once
// Hand-made sessions with known answers, shared by the analytics suites.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "storage/analytics_rows.hpp"

namespace footfall::test {

using storage::action_sample;
using storage::action_type;

/// A session input with `pages` visits of `dwell_ms` each, starting at t0.
inline storage::session_input make_input(int pages, double dwell_ms = 5000, double t0 = 1.7e12) {
  storage::session_input in;
  in.session_id = storage::uuid::v7();
  in.signals.webdriver = false;
  in.signals.user_agent =
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
  for (int i = 0; i < pages; ++i)
    in.visits.push_back({i + 1, "http://127.0.0.1:8000/p" + std::to_string(i), t0 + i * dwell_ms,
                         t0 + (i + 1) * dwell_ms, 50, 120.0, 0, 0});
  return in;
}

/// Appends `intervals.size() + 1` actions of `type` on visit 0, spaced by the intervals.
inline void add_actions(storage::session_input& in, const std::vector<double>& intervals,
                        action_type type = action_type::scroll, int duration_ms = 0,
                        double t0 = 1.7e12) {
  double t = t0;
  in.actions.push_back({type, t, duration_ms, 0, 0, 10, 10});
  for (double iv : intervals) {
    t += iv;
    in.actions.push_back({type, t, duration_ms, 0, 0, 10, 10});
  }
}

/// n intervals drawn from a log-normal (median `median_ms`, log-σ `sigma`), seeded: the shape
/// human inter-event times have.
inline std::vector<double> lognormal_intervals(int n, double median_ms, double sigma,
                                               unsigned seed = 42) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> d(std::log(median_ms), sigma);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(d(rng));
  return v;
}

}  // namespace footfall::test
