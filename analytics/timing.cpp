#include "analytics/timing.hpp"

#include <algorithm>
#include <cmath>

#include "analytics/stats.hpp"

namespace footfall::analytics {
namespace {

using storage::action_sample;
using storage::action_type;

/// 1 inside [lo, hi]; linear to 0 at `zero_at` below lo; linear to `floor_high` at `far` above hi.
double band_score(double v, double zero_at, double lo, double hi, double far, double floor_high) {
  if (v < lo) return std::clamp((v - zero_at) / (lo - zero_at), 0.0, 1.0);
  if (v <= hi) return 1.0;
  const double t = std::clamp((v - hi) / (far - hi), 0.0, 1.0);
  return 1.0 - t * (1.0 - floor_high);
}

template <class F>
void for_consecutive_user_actions(const std::vector<action_sample>& actions, F f) {
  const action_sample* prev = nullptr;
  for (const auto& a : actions) {
    if (!is_user_action(a.type)) continue;
    if (prev) f(*prev, a);
    prev = &a;
  }
}

}  // namespace

bool is_user_action(action_type t) {
  return t != action_type::page_load && t != action_type::page_unload;
}

std::vector<double> action_intervals_ms(const std::vector<action_sample>& actions) {
  std::vector<double> out;
  for_consecutive_user_actions(actions, [&](const action_sample& a, const action_sample& b) {
    out.push_back(std::max(0.0, b.t_ms - a.t_ms));
  });
  return out;
}

std::vector<double> action_pauses_ms(const std::vector<action_sample>& actions) {
  std::vector<double> out;
  for_consecutive_user_actions(actions, [&](const action_sample& a, const action_sample& b) {
    out.push_back(std::max(0.0, b.t_ms - (a.t_ms + a.duration_ms)));
  });
  return out;
}

std::optional<double> action_variance_s2(const std::vector<double>& intervals_ms) {
  if (intervals_ms.size() < 2) return std::nullopt;
  std::vector<double> s(intervals_ms.size());
  std::transform(intervals_ms.begin(), intervals_ms.end(), s.begin(),
                 [](double ms) { return ms / 1000.0; });
  return variance(s);
}

std::optional<rhythm_parts> rhythm(const std::vector<double>& iv) {
  if (iv.size() < 3) return std::nullopt;
  const double mu = *mean(iv);
  const double sigma = std::sqrt(*variance(iv));
  rhythm_parts r;
  if (mu <= 0) return r;  // every action at the same instant: as robotic as it gets
  r.cv = sigma / mu;
  r.burstiness = (sigma - mu) / (sigma + mu);
  double lv = 0;
  for (std::size_t i = 0; i + 1 < iv.size(); ++i) {
    const double sum = iv[i] + iv[i + 1];
    if (sum > 0) lv += std::pow((iv[i] - iv[i + 1]) / sum, 2);
  }
  r.local_variation = 3.0 * lv / static_cast<double>(iv.size() - 1);
  const double s_cv = band_score(r.cv, 0.0, 0.6, 2.5, 5.0, 0.5);
  const double s_b = band_score(r.burstiness, -1.0, -0.25, 0.45, 1.0, 0.5);
  const double s_lv = band_score(r.local_variation, 0.0, 0.5, 1.5, 3.0, 0.5);
  r.score = std::clamp(0.4 * s_cv + 0.3 * s_b + 0.3 * s_lv, 0.0, 1.0);
  return r;
}

const std::vector<const char*>& pause_bucket_labels() {
  static const std::vector<const char*> labels{"<100ms", "100-250ms", "250-500ms", "0.5-1s",
                                               "1-2s",   "2-5s",      "5-10s",     ">10s"};
  return labels;
}

nlohmann::json pause_histogram(const std::vector<double>& pauses_ms) {
  std::vector<int> counts(pause_bucket_labels().size(), 0);
  for (double p : pauses_ms) {
    const auto* end = std::end(pause_bucket_edges_ms);
    const auto k = std::upper_bound(std::begin(pause_bucket_edges_ms), end, p) -
                   std::begin(pause_bucket_edges_ms);
    ++counts[static_cast<std::size_t>(k)];
  }
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t k = 0; k < counts.size(); ++k) out[pause_bucket_labels()[k]] = counts[k];
  return out;
}

}  // namespace footfall::analytics
