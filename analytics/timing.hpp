#pragma once
/// Timing formulas over the intervals between a session's actions: variance, rhythm score and
/// the pause histogram. Pure functions; times in milliseconds unless a name says otherwise.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/analytics_rows.hpp"

namespace footfall::analytics {

/// True for actions a visitor performs; page_load / page_unload are the browser's doing and
/// would put navigation latency into the visitor's rhythm, so timing formulas skip them.
bool is_user_action(storage::action_type t);

/// Start-to-start intervals (ms) between consecutive user actions, in time order:
///   I_i = t_{i+1} − t_i.
std::vector<double> action_intervals_ms(const std::vector<storage::action_sample>& actions);

/// Idle pauses (ms) between consecutive user actions: the gap from the end of one action to the
/// start of the next, P_i = max(0, t_{i+1} − (t_i + duration_i)).
std::vector<double> action_pauses_ms(const std::vector<storage::action_sample>& actions);

/// action_variance: population variance of the intervals in seconds²,
///   Var = (1/n) Σ (I_i/1000 − Ī)²; nullopt with fewer than 2 intervals.
std::optional<double> action_variance_s2(const std::vector<double>& intervals_ms);

/// The statistics rhythm_score is built from.
struct rhythm_parts {
  double cv = 0;          ///< coefficient of variation σ/μ of the intervals
  double burstiness = 0;  ///< B = (σ − μ)/(σ + μ), in [−1, 1]: −1 periodic, 0 Poisson, →1 bursty
  double local_variation = 0;  ///< LV = 3/(n−1) Σ ((I_i − I_{i+1})/(I_i + I_{i+1}))²
  double score = 0;            ///< the combined rhythm_score in [0, 1]
};

/// rhythm_score, 0 robotic … 1 human-like, from the distribution of intervals. Each statistic is
/// scored 1 inside its human reference range and falls linearly to 0 at its robotic extreme:
///   CV: human 0.6 … 2.5 (keystroke/click latencies are log-normal-ish with σ_ln ≈ 0.6–1.2, giving
///       CV ≈ 0.65–1.8); 0 at CV = 0 (a metronome); above 2.5 it falls to 0.5 at CV = 5.
///   B:  human −0.25 … 0.45 (Goh & Barabási 2008 report B ≈ 0–0.4 for human activity); 0 at
///       B = −1 (periodic), falling to 0.5 at B = 1.
///   LV: human 0.5 … 1.5 (Shinomoto's local variation: 0 regular, 1 Poisson); 0 at LV = 0,
///       insensitive to slow drifts in pace that inflate CV.
///   score = 0.4·s_CV + 0.3·s_B + 0.3·s_LV.
/// Needs at least 3 intervals (nullopt otherwise): fewer cannot tell a rhythm from chance.
std::optional<rhythm_parts> rhythm(const std::vector<double>& intervals_ms);

/// Upper edges (ms) of the pause_distribution buckets; the last bucket is open-ended.
inline constexpr double pause_bucket_edges_ms[] = {100, 250, 500, 1000, 2000, 5000, 10000};

/// pause_distribution: counts of pauses per fixed bucket, as JSON
///   {"<100ms":n, "100-250ms":n, "250-500ms":n, "0.5-1s":n, "1-2s":n, "2-5s":n, "5-10s":n,
///    ">10s":n}, bucket k holding edge_{k−1} ≤ p < edge_k. Every key is present.
nlohmann::json pause_histogram(const std::vector<double>& pauses_ms);

/// The bucket labels of pause_histogram, in order.
const std::vector<const char*>& pause_bucket_labels();

}  // namespace footfall::analytics
