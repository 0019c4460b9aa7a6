// Open-model arrivals: the "arrivals" campaign field and the seeded schedule (engine/config/arrivals.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "engine/config/arrivals.hpp"
#include "engine/campaign_errors.hpp"
#include "engine/config/config.hpp"
#include "support/poisson.hpp"

using namespace footfall::engine;
using footfall::test::poisson_bounds;
using nlohmann::json;

namespace {

json campaign_with(const json& extra) {
  json j = json::parse(R"({"name": "c", "target_url": "http://127.0.0.1:8000/",
    "total_sessions": 10, "concurrent_sessions": 2, "persona": "reader"})");
  j.update(extra);
  return j;
}
constexpr auto error_of = footfall::test::campaign_error;

std::vector<int> per_window(const std::vector<std::int64_t>& plan, int window_s, int windows) {
  std::vector<int> n(static_cast<std::size_t>(windows), 0);
  for (auto ms : plan)
    if (ms < std::int64_t{window_s} * 1000 * windows)
      ++n[static_cast<std::size_t>(ms / 1000 / window_s)];
  return n;
}

}  // namespace

TEST_CASE("config: arrivals phases parse, round-trip and default to the closed model") {
  CHECK(parse_campaign(campaign_with(json::object()), "c.json").settings.arrivals.empty());
  const auto f = parse_campaign(
      campaign_with(json::parse(R"({"arrivals": [{"duration_s": 60, "rate_per_min": 30},
        {"duration_s": 30, "rate_per_min": 30, "ramp_to_per_min": 90}], "max_lateness_s": 5})")),
      "c.json");
  REQUIRE(f.settings.arrivals.size() == 2);
  CHECK(f.settings.arrivals[0] == arrival_phase{60, 30, 30});
  CHECK(f.settings.arrivals[1] == arrival_phase{30, 30, 90});
  CHECK(f.settings.max_lateness_s == 5);
  const auto back = campaign_settings::from_json(f.campaign.settings);
  CHECK(back.arrivals == f.settings.arrivals);
  CHECK(back.max_lateness_s == 5);
  CHECK(parse_campaign(campaign_with(json::object()), "c.json").settings.max_lateness_s == 30);
}

TEST_CASE("config: bad arrivals name the file, the field and the rule") {
  const auto err = [](const char* arrivals) {
    return error_of(campaign_with(json::parse(std::string(R"({"arrivals": )") + arrivals + "}")));
  };
  CHECK(err("[]").find("campaign.json: arrivals: expected a non-empty array") == 0);
  CHECK(err("{}").find("campaign.json: arrivals: expected a non-empty array") == 0);
  CHECK(err(R"([{"duration_s": 10, "rate_per_min": 5}, {"duration_s": 0, "rate_per_min": 5}])") ==
        "campaign.json: arrivals[1].duration_s: must be an integer > 0 and <= 604800 (got 0)");
  CHECK(err(R"([{"duration_s": 1.5, "rate_per_min": 5}])")
            .find("arrivals[0].duration_s: must be an integer > 0") != std::string::npos);
  CHECK(err(R"([{"rate_per_min": 5}])") ==
        "campaign.json: arrivals[0].duration_s: is required (seconds, an integer > 0)");
  CHECK(err(R"([{"duration_s": 10}])") ==
        "campaign.json: arrivals[0].rate_per_min: is required (arrivals per minute, >= 0)");
  CHECK(err(R"([{"duration_s": 10, "rate_per_min": -1}])") ==
        "campaign.json: arrivals[0].rate_per_min: expected a number between 0 and 1000000 (got "
        "-1)");
  CHECK(err(R"([{"duration_s": 10, "rate_per_min": 5, "ramp_to_per_min": "x"}])")
            .find("arrivals[0].ramp_to_per_min: expected a number") != std::string::npos);
  CHECK(err(R"([{"duration_s": 10, "rate_per_min": 5, "rampTo": 9}])") ==
        "campaign.json: arrivals[0].rampTo: unknown field");
  CHECK(err(R"([{"duration_s": 10, "rate_per_min": 5, "ramp_to_per_min": 0}])") ==
        "campaign.json: arrivals[0]: the last phase must end at a rate > 0 (its final rate holds "
        "until total_sessions have started)");
  CHECK(err(R"([7])") ==
        "campaign.json: arrivals[0]: expected an object {\"duration_s\", \"rate_per_min\"}");
  CHECK(error_of(campaign_with({{"max_lateness_s", -1}})) ==
        "campaign.json: max_lateness_s: expected a non-negative integer");
  CHECK(error_of(campaign_with({{"max_lateness_s", 4000}})) ==
        "campaign.json: max_lateness_s: must be <= 3600");
  // A pause (rate 0) between phases is allowed: only the last phase must end above 0.
  CHECK(err(R"([{"duration_s": 10, "rate_per_min": 0}, {"duration_s": 10, "rate_per_min": 6}])") ==
        "");
}

TEST_CASE("arrivals: the schedule is deterministic per seed") {
  const std::vector<arrival_phase> phases{{60, 30, 30}};
  const auto a = plan_arrivals(phases, 40, 7);
  CHECK(a == plan_arrivals(phases, 40, 7));
  CHECK(a != plan_arrivals(phases, 40, 8));
  // The k-th start depends on the first k draws only: a longer campaign extends the plan.
  const auto longer = plan_arrivals(phases, 60, 7);
  CHECK(std::vector<std::int64_t>(longer.begin(), longer.begin() + 40) == a);
  CHECK(std::is_sorted(a.begin(), a.end()));
  CHECK(plan_arrivals(phases, 0, 7).empty());
  // A plan whose last rate is 0 ends with the phases (config refuses it; the schedule stays safe).
  CHECK(plan_arrivals({{10, 60, 0}}, 1000, 7).size() < 20);
}

TEST_CASE("arrivals: constant rate gives Poisson counts per window, not a grid or a stampede") {
  // 60/min for 600 s: sixty 10 s windows of mean 10.
  const auto plan = plan_arrivals({{600, 60, 60}}, 700, 42);
  const auto n = per_window(plan, 10, 60);
  const auto [lo, hi] = poisson_bounds(10, 1e-3 / 60);  // Bonferroni over the 60 windows
  double sum = 0, sq = 0;
  for (int c : n) {
    CHECK(c >= lo);
    CHECK(c <= hi);
    sum += c;
    sq += double(c) * c;
  }
  // 600 expected in the phase (sd 24.5): within 4 sd.
  CHECK(std::abs(sum - 600) < 4 * std::sqrt(600.0));
  // Index of dispersion var/mean ~ 1 for Poisson (sd ~ sqrt(2/59) = 0.18); a fixed grid gives ~0.
  const double mean = sum / 60, var = (sq - sum * sum / 60) / 59;
  CHECK(var / mean > 0.45);
  CHECK(var / mean < 1.75);
  // No stampede: with 1/s, the first second holds about one start, not dozens.
  CHECK(std::count_if(plan.begin(), plan.end(), [](auto ms) { return ms < 1000; }) <= hi);
}

TEST_CASE("arrivals: a linear ramp gives counts that grow like the ramp's area") {
  // 0 -> 120/min over 600 s: Λ(t) = t²/600, so quarters expect 37.5, 112.5, 187.5, 262.5.
  const std::vector<arrival_phase> ramp{{600, 0, 120}};
  CHECK(arrival_rate_per_s(ramp, 0) == 0);
  CHECK(arrival_rate_per_s(ramp, 300) == doctest::Approx(1.0));
  CHECK(arrival_rate_per_s(ramp, 900) == doctest::Approx(2.0));  // the final rate holds
  const auto n = per_window(plan_arrivals(ramp, 2000, 3), 150, 4);
  const double expect[] = {37.5, 112.5, 187.5, 262.5};
  for (int q = 0; q < 4; ++q) {
    CAPTURE(q);
    CHECK(std::abs(n[q] - expect[q]) < 4 * std::sqrt(expect[q]));
  }
  // A ramp down mirrors it.
  const auto down = per_window(plan_arrivals({{600, 120, 0}, {60, 60, 60}}, 2000, 3), 150, 4);
  for (int q = 0; q < 4; ++q) CHECK(std::abs(down[q] - expect[3 - q]) < 4 * std::sqrt(expect[q]));
}

TEST_CASE("arrivals: a zero-rate phase plans nothing and the last rate holds after the phases") {
  const std::vector<arrival_phase> phases{{20, 60, 60}, {30, 0, 0}, {10, 60, 60}};
  const auto plan = plan_arrivals(phases, 300, 11);
  for (auto ms : plan) CHECK_FALSE((ms > 20'000 && ms < 50'000));
  // 300 starts: ~20 in the first phase, ~10 in the third, the other ~270 at 1/s after 60 s.
  CHECK(plan.back() > 60'000);
  CHECK(std::abs(plan.back() / 1000.0 - (60 + 270)) < 4 * std::sqrt(300.0));
}
