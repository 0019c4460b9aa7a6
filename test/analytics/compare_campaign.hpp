#pragma once
// The campaign both sides of a compare pair run on the fixture site (test/analytics/
// verdict_cli_test.cpp, bench/verdicts.cpp): the same seed on both sides, so the same journeys,
// as a nightly suite would run them; pace 0; a visitor who sees 5-8 pages and mostly clicks.
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

namespace footfall::test {

/// Writes the campaign file `dir`/`name`.json; returns its path.
inline std::filesystem::path write_compare_campaign(const std::filesystem::path& dir,
                                                    const std::string& name,
                                                    const std::string& target, int sessions,
                                                    int concurrency, const std::string& persona) {
  const nlohmann::json campaign{
      {"name", name}, {"target_url", target}, {"total_sessions", sessions},
      {"concurrent_sessions", concurrency}, {"seed", 7}, {"rate_limit_delay_ms", 100},
      {"pace", 0}, {"session_timeout_s", 120},
      {"persona",
       {{"name", persona}, {"session_duration_min", 5}, {"session_duration_max", 60},
        {"pages_min", 5}, {"pages_max", 8}, {"actions_per_page_min", 1},
        {"actions_per_page_max", 3}, {"scroll_probability", 0.5}, {"click_probability", 0.9},
        {"typing_probability", 0.0}}}};
  const auto file = dir / (name + ".json");
  std::ofstream(file) << campaign.dump(2);
  return file;
}

}  // namespace footfall::test
