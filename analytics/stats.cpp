#include "analytics/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace footfall::analytics {

std::optional<double> mean(const std::vector<double>& xs) {
  if (xs.empty()) return std::nullopt;
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

std::optional<double> variance(const std::vector<double>& xs) {
  const auto m = mean(xs);
  if (!m) return std::nullopt;
  double s = 0;
  for (double x : xs) s += (x - *m) * (x - *m);
  return s / static_cast<double>(xs.size());
}

std::optional<double> quantile(std::vector<double> xs, double q) {
  if (xs.empty()) return std::nullopt;
  std::sort(xs.begin(), xs.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(xs.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, xs.size() - 1);
  return xs[lo] + (xs[hi] - xs[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace footfall::analytics
