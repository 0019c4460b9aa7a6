#include "engine/config/arrivals.hpp"

#include <cmath>

#include "engine/persona/rng.hpp"

namespace footfall::engine {
namespace {

using nlohmann::json;

constexpr int max_phase_s = 7 * 24 * 3600;
constexpr double max_rate_per_min = 1e6;

std::string num(const json& v) { return v.dump(); }

/// A rate field: a number in [0, max_rate_per_min]; false (and a rule) otherwise.
bool read_rate(const json& o, const char* key, const std::string& f, double& out,
               std::vector<std::pair<std::string, std::string>>& issues) {
  const auto& v = o.at(key);
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > max_rate_per_min) {
    issues.emplace_back(f + "." + key,
                        "expected a number between 0 and 1000000 (got " + num(v) + ")");
    return false;
  }
  out = v.get<double>();
  return true;
}

/// The mass of the phase's intensity (expected arrivals over the whole phase).
double phase_mass(const arrival_phase& p) {
  return (p.rate_per_min + p.ramp_to_per_min) / 60.0 * p.duration_s / 2.0;
}

/// Inverse of the phase's cumulative intensity: the offset u in [0, D] where
/// r0*u + (r1 - r0)*u^2/(2D) = s (rates per second).
double invert_in_phase(const arrival_phase& p, double s) {
  if (s <= 0) return 0;
  const double d = p.duration_s;
  const double b = p.rate_per_min / 60.0;
  const double a = (p.ramp_to_per_min - p.rate_per_min) / 60.0 / (2.0 * d);
  // The root of a*u^2 + b*u - s written as 2s / (b + sqrt(b^2 + 4as)): no cancellation when a
  // is tiny or negative (a ramp down), and it reduces to s/b for a constant phase.
  const double disc = std::max(0.0, b * b + 4.0 * a * s);
  const double den = b + std::sqrt(disc);
  const double u = den > 0 ? 2.0 * s / den : d;
  return std::min(std::max(u, 0.0), d);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_arrival_phases(
    const json& v, std::vector<arrival_phase>& out) {
  std::vector<std::pair<std::string, std::string>> issues;
  if (!v.is_array() || v.empty()) {
    issues.emplace_back("arrivals",
                        "expected a non-empty array of phases {\"duration_s\", \"rate_per_min\", "
                        "\"ramp_to_per_min\"?}");
    return issues;
  }
  std::vector<arrival_phase> phases;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string f = "arrivals[" + std::to_string(i) + "]";
    const auto& o = v[i];
    if (!o.is_object()) {
      issues.emplace_back(f, "expected an object {\"duration_s\", \"rate_per_min\"}");
      continue;
    }
    arrival_phase p;
    if (!o.contains("duration_s")) {
      issues.emplace_back(f + ".duration_s", "is required (seconds, an integer > 0)");
    } else if (const auto& d = o["duration_s"]; !d.is_number_integer() || d.get<long long>() <= 0 ||
                                                d.get<long long>() > max_phase_s) {
      issues.emplace_back(
          f + ".duration_s",
          "must be an integer > 0 and <= " + std::to_string(max_phase_s) + " (got " + num(d) + ")");
    } else {
      p.duration_s = d.get<int>();
    }
    if (!o.contains("rate_per_min"))
      issues.emplace_back(f + ".rate_per_min", "is required (arrivals per minute, >= 0)");
    else
      read_rate(o, "rate_per_min", f, p.rate_per_min, issues);
    p.ramp_to_per_min = p.rate_per_min;
    if (o.contains("ramp_to_per_min"))
      read_rate(o, "ramp_to_per_min", f, p.ramp_to_per_min, issues);
    for (const auto& [k, unused] : o.items())
      if (k != "duration_s" && k != "rate_per_min" && k != "ramp_to_per_min")
        issues.emplace_back(f + "." + k, "unknown field");
    phases.push_back(p);
  }
  if (issues.empty() && phases.back().ramp_to_per_min <= 0)
    issues.emplace_back("arrivals[" + std::to_string(phases.size() - 1) + "]",
                        "the last phase must end at a rate > 0 (its final rate holds until "
                        "total_sessions have started)");
  if (issues.empty()) out = std::move(phases);
  return issues;
}

json arrival_phases_to_json(const std::vector<arrival_phase>& phases) {
  json a = json::array();
  for (const auto& p : phases) {
    json o{{"duration_s", p.duration_s}, {"rate_per_min", p.rate_per_min}};
    if (p.ramp_to_per_min != p.rate_per_min) o["ramp_to_per_min"] = p.ramp_to_per_min;
    a.push_back(o);
  }
  return a;
}

double arrival_rate_per_s(const std::vector<arrival_phase>& phases, double t) {
  double start = 0;
  for (const auto& p : phases) {
    if (t < start + p.duration_s) {
      const double f = std::max(0.0, t - start) / p.duration_s;
      return (p.rate_per_min + (p.ramp_to_per_min - p.rate_per_min) * f) / 60.0;
    }
    start += p.duration_s;
  }
  return phases.empty() ? 0 : phases.back().ramp_to_per_min / 60.0;
}

// Time rescaling (Çinlar, "Introduction to Stochastic Processes", 1975, §4.7; used for simulation
// in Brown, Barbieri et al., "The time-rescaling theorem and its application to neural spike train
// data analysis", Neural Computation 14, 2002): if S_1 < S_2 < ... are the arrival times of a
// Poisson process of rate 1, then Λ⁻¹(S_k) are those of a Poisson process of intensity λ(t), where
// Λ(t) = ∫₀ᵗ λ. Λ is piecewise quadratic over linear phases and linear after the last one, so its
// inverse is closed-form; unlike thinning (Lewis & Shedler 1979) no draw is thrown away, and the
// k-th planned start depends only on the first k draws (a longer campaign extends a shorter one's
// plan).
std::vector<std::int64_t> plan_arrivals(const std::vector<arrival_phase>& phases, int count,
                                        std::uint64_t seed) {
  std::vector<std::int64_t> out;
  if (count <= 0 || phases.empty()) return out;
  out.reserve(static_cast<std::size_t>(count));
  rng r(seed ^ 0xA11A'1A15'0000'0012ull);  // its own stream: not any session's
  const double tail_rate = phases.back().ramp_to_per_min / 60.0;
  double s = 0;                       // unit-rate arrival time
  std::size_t i = 0;                  // current phase
  double mass_before = 0, start = 0;  // Λ and t at the start of phase i
  for (int k = 0; k < count; ++k) {
    s += -std::log(1.0 - r.uniform());  // Exp(1): 1 - u is in (0, 1]
    while (i < phases.size() && s > mass_before + phase_mass(phases[i])) {
      mass_before += phase_mass(phases[i]);
      start += phases[i].duration_s;
      ++i;
    }
    if (i == phases.size() && tail_rate <= 0) break;  // nothing more is ever planned
    const double t = i < phases.size() ? start + invert_in_phase(phases[i], s - mass_before)
                                       : start + (s - mass_before) / tail_rate;
    out.push_back(std::llround(t * 1000.0));
  }
  return out;
}

}  // namespace footfall::engine
