#pragma once
/// Inference for the regression verdict: intervals on the difference between two samples, and
/// the smallest difference a pair of samples could detect. Pure functions, seeded where random.
///
/// Methods (analytics/README.md explains each, with its sources):
///   - Hodges–Lehmann shift with the distribution-free interval from inverting the Mann–Whitney
///     test (Hollander & Wolfe, Nonparametric Statistical Methods, 3rd ed., §4.3): load times
///     and per-session scores. Exact null distribution of U up to m+n = 120, normal beyond.
///   - Wilson score interval per proportion and Newcombe's hybrid score interval for the
///     difference of two proportions (Newcombe 1998, Stat. Med. 17:873, method 10): success rate.
///   - Order-statistic (binomial) bounds on each side's p95, combined for the difference.
///   - Percentile bootstrap of a statistic's difference (Efron & Tibshirani 1993, ch. 13),
///     resampling whole units (visits for a p95, sessions for errors per page), seeded.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace footfall::analytics {

/// A closed interval [lo, hi]; infinite ends mean the samples cannot bound that side.
struct interval {
  double lo = 0;
  double hi = 0;
  bool contains(double v) const { return lo <= v && v <= hi; }
};

/// Φ⁻¹(p), the standard normal quantile, for p in (0, 1).
double normal_quantile(double p);
/// Φ(x), the standard normal CDF.
double normal_cdf(double x);

/// P(U ≤ u) for u = 0 … m·n under the null (no ties): U counts pairs (x_i, y_j) with y_j > x_i.
/// Exact (counts from the Gaussian binomial coefficient [m+n choose m]_q) when m + n ≤ 120,
/// else empty (callers use the normal approximation).
std::vector<double> mann_whitney_null_cdf(int m, int n);

/// The smallest one-sided p-value a Mann–Whitney test of sizes m, n can reach: 1 / C(m+n, m).
double mann_whitney_min_p(int m, int n);

/// A location shift of y relative to x.
struct shift_estimate {
  double estimate = 0;  ///< Hodges–Lehmann: median of all y_j − x_i
  interval ci;          ///< two-sided at the requested confidence; ±inf when unresolvable
};

/// Hodges–Lehmann shift of `y` over `x` with its Mann–Whitney interval at `confidence`
/// (two-sided). Both samples must be non-empty.
shift_estimate hodges_lehmann(const std::vector<double>& x, const std::vector<double>& y,
                              double confidence);

/// One stratum of a stratified comparison (a URL path): the baseline's values and the
/// candidate's, compared only with each other.
struct stratum {
  std::vector<double> x;  ///< baseline
  std::vector<double> y;  ///< candidate
};

/// What a stratified shift gives: the common shift, its interval, and the normal z of the
/// van Elteren statistic at shift 0 (positive: the candidate's values are larger).
struct stratified_shift {
  double estimate = 0;
  interval ci;
  double z = 0;
};

/// The van Elteren stratified rank test (van Elteren 1960; Lehmann, *Nonparametrics*, §3.3)
/// inverted for a shift common to every stratum: T(δ) = Σ_s U_s(δ)/(N_s + 1), U_s(δ) the pairs of
/// stratum s with y − x > δ, N_s = m_s + n_s; under the null E[T] = Σ m_s n_s / (2(N_s + 1)) and
/// Var[T] = Σ m_s n_s / (12(N_s + 1)) (normal approximation). The estimate is where T crosses
/// E[T] (the weighted median of all within-stratum differences, weight 1/(N_s + 1)), the interval
/// every δ whose |Z| stays below z_{1−(1−confidence)/2}. A stratum needs a value on each side;
/// strata of different sizes and medians are one test. With one stratum it is the Hodges–Lehmann
/// shift with the normal-approximation Mann–Whitney interval. Empty: estimate 0, interval ±inf.
stratified_shift van_elteren_shift(const std::vector<stratum>& strata, double confidence);

/// Z of the van Elteren statistic after subtracting `delta` from every candidate value, from the
/// ranks themselves (mid-ranks for ties): the brute-force definition the tests check the
/// inversion against.
double van_elteren_z(const std::vector<stratum>& strata, double delta);

/// The smallest one-sided p-value the van Elteren test of these strata can reach (complete
/// separation in every stratum), by the same normal approximation: 1 − Φ(E[T]/sd[T]).
double van_elteren_min_p(const std::vector<stratum>& strata);

/// Wilson score interval for k successes in n trials at quantile z (n > 0).
interval wilson(int k, int n, double z);

/// Newcombe's hybrid score interval for p2 − p1 (p1 = k1/n1, p2 = k2/n2), two-sided at
/// `confidence`. n1, n2 > 0.
interval newcombe_difference(int k1, int n1, int k2, int n2, double confidence);

/// Distribution-free bounds for the q-quantile of the population a sample came from, from its
/// order statistics (Hahn & Meeker, Statistical Intervals, §5.2): lo = x_(r) with
/// P(Bin(n,q) ≥ r) ≥ 1 − a, hi = x_(s) with P(Bin(n,q) ≤ s−1) ≥ 1 − a, each one-sided at level
/// a; an end the sample cannot bound is ±inf (the upper end of a p95 needs q^n ≤ a).
interval quantile_bounds(std::vector<double> xs, double q, double a);

/// The smallest one-sided level at which quantile_bounds gives finite ends: max(q^n, (1−q)^n).
double quantile_bounds_min_level(int n, double q);

/// One unit a bootstrap resamples: a value (or numerator) and a weight (or denominator).
struct unit {
  double value = 0;
  double weight = 1;
};

/// A statistic over a sample of units.
using unit_statistic = std::function<double(const std::vector<unit>&)>;

/// What a bootstrap of stat(y) − stat(x) gives.
struct bootstrap_result {
  double estimate = 0;  ///< stat(y) − stat(x) on the samples themselves
  interval ci;          ///< percentile interval at the requested confidence
  double std_error = 0; ///< standard deviation of the resampled differences
};

/// Percentile bootstrap of stat(y) − stat(x): each side resampled with replacement, `resamples`
/// times, from a std::mt19937_64 seeded with `seed`. Both samples must be non-empty.
bootstrap_result bootstrap_difference(const std::vector<unit>& x, const std::vector<unit>& y,
                                      const unit_statistic& stat, double confidence,
                                      int resamples, std::uint64_t seed);

/// Σvalue / Σweight (errors per page over sessions); 0 when Σweight is 0.
double ratio_of_sums(const std::vector<unit>& u);

/// A robust standard deviation: 1.4826 · median absolute deviation (consistent for normal data).
double robust_sd(const std::vector<double>& xs);

/// The smallest true shift a one-sided test at level `alpha` detects with probability `power`,
/// for samples of sizes m, n with spread `sd`: (z₁₋α + z_power)·sd·√(1/m + 1/n), inflated by
/// √(π/3) for a rank test (its efficiency against the t-test under normality is 3/π).
double rank_test_mde(double sd, int m, int n, double alpha, double power);

/// The same for a test whose difference has standard error `se`: (z₁₋α + z_power)·se.
double normal_mde(double se, double alpha, double power);

}  // namespace footfall::analytics
