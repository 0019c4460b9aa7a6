#pragma once
/// A small, portable, seeded random source. std::uniform_*_distribution are implementation-defined,
/// so journeys would differ between standard libraries; this one is xoshiro256** seeded through
/// splitmix64 and draws every distribution itself, so one seed means one journey everywhere.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace footfall::engine {

/// Deterministic RNG; copyable so a plan can be replayed.
class rng {
 public:
  explicit rng(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix(seed);
  }
  /// The stream for one session of a campaign: same (seed, index) ⇒ same stream.
  static rng for_session(std::uint64_t campaign_seed, int session_index) {
    return rng(campaign_seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(session_index) +
               1);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [lo, hi] (inclusive); lo when hi < lo.
  int between(int lo, int hi) {
    if (hi <= lo) return lo;
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(next() % span);
  }
  /// True with probability p.
  bool chance(double p) { return uniform() < p; }
  /// Standard normal (Box–Muller).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  /// Log-normal with the given median and shape sigma.
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  /// Index drawn with the given non-negative weights (0 when all are zero).
  std::size_t weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    if (total <= 0) return 0;
    double x = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

}  // namespace footfall::engine
