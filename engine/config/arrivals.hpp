#pragma once
/// Open-model arrivals (issue 12): a campaign's "arrivals" phases and the seeded schedule of
/// planned session starts they give. Pure: no clock, no database; the schedule is computed once at
/// materialization and stored per session (sessions.planned_offset_ms), so every worker follows
/// the same plan.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace footfall::engine {

/// One phase: `duration_s` at a rate going linearly from rate_per_min to ramp_to_per_min
/// (constant when ramp_to_per_min is absent). Cf. Artillery's phases (duration, arrivalRate,
/// rampTo) and k6's ramping-arrival-rate stages.
struct arrival_phase {
  int duration_s = 0;
  double rate_per_min = 0;
  double ramp_to_per_min = 0;  ///< == rate_per_min for a constant phase
  bool operator==(const arrival_phase&) const = default;
};

/// Reads an "arrivals" array; appends (field, rule) for every broken rule
/// ("arrivals[1].duration_s", "must be > 0 (got 0)"). Phases are kept only when the whole list is
/// valid.
std::vector<std::pair<std::string, std::string>> parse_arrival_phases(
    const nlohmann::json& v, std::vector<arrival_phase>& out);
/// The JSON form accepted by parse_arrival_phases.
nlohmann::json arrival_phases_to_json(const std::vector<arrival_phase>& phases);

/// Arrivals per second planned at offset `t_s` from the campaign's arrival epoch (after the last
/// phase, its final rate holds).
double arrival_rate_per_s(const std::vector<arrival_phase>& phases, double t_s);

/// Planned start offsets (milliseconds from the arrival epoch, non-decreasing) of `count`
/// sessions: a non-homogeneous Poisson process with the phases' intensity, drawn from `seed`.
/// With a final rate of 0 (parse_arrival_phases refuses it) fewer than `count` may come back.
std::vector<std::int64_t> plan_arrivals(const std::vector<arrival_phase>& phases, int count,
                                        std::uint64_t seed);

}  // namespace footfall::engine
