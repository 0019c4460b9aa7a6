#pragma once
// What engine::parse_campaign says about a campaign file, for the config tests' checks.
#include <string>

#include <nlohmann/json.hpp>

#include "engine/config/config.hpp"

namespace footfall::test {

/// parse_campaign's message for campaign JSON `j`, read as "campaign.json"; "" when it parses.
inline std::string campaign_error(const nlohmann::json& j) {
  try {
    engine::parse_campaign(j, "campaign.json");
  } catch (const engine::config_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace footfall::test
