#pragma once
// Poisson count bounds, for tests and benchmarks that judge arrival counts per window.
#include <cmath>
#include <utility>

namespace footfall::test {

/// Two-sided bounds [lo, hi] holding a Poisson(mean) count with probability >= 1 - alpha: the
/// smallest and largest k with P(X < lo) and P(X > hi) each < alpha/2.
inline std::pair<int, int> poisson_bounds(double mean, double alpha) {
  double p = std::exp(-mean), cdf = p;
  int k = 0, lo = cdf > alpha / 2 ? 0 : -1;
  while (cdf < 1 - alpha / 2) {
    ++k;
    p *= mean / k;
    cdf += p;
    if (lo < 0 && cdf > alpha / 2) lo = k;
  }
  return {lo, k};
}

}  // namespace footfall::test
