#pragma once
/// Personas and campaigns as JSON files: parsing and validation. Every error names the file, the
/// field and the rule it broke ("campaign.json: total_sessions: expected a positive integer").
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/config/arrivals.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// One broken rule: where and what.
struct config_issue {
  std::string field;
  std::string rule;
};

/// Invalid configuration; what() lists every issue as "SOURCE: FIELD: RULE", one per line.
struct config_error : std::runtime_error {
  config_error(std::string source, std::vector<config_issue> issues);
  std::string source;
  std::vector<config_issue> issues;
};

/// A browser window size in CSS pixels.
struct viewport {
  int width = 1280;
  int height = 800;
  bool operator==(const viewport&) const = default;
};

/// The campaign options beyond the spec's columns; stored in campaign.settings as JSON.
/// Upper bounds of a campaign's sizes (bad input beyond them, exit 2).
inline constexpr int max_total_sessions = 1'000'000;
inline constexpr int max_concurrent_sessions = 10'000;
inline constexpr int max_lease_s = 3600;

struct campaign_settings {
  std::vector<std::string> user_agents;  ///< rotated per session when user_agent_rotation
  std::vector<viewport> viewports;       ///< drawn per session
  int session_timeout_s = 0;             ///< 0: derived from the persona's maximum duration
  double pace = 1.0;                     ///< 1 human timing, 0 as fast as the browser allows
  int navigation_timeout_ms = 30000;
  int lease_s = 30;       ///< a claimed session's lease (renewed by heartbeat), seconds
  int max_attempts = 3;   ///< attempts before a session whose worker keeps getting lost fails
  /// Overrides the persona's input_device / typing_skill (same values) for every session;
  /// empty: each persona's own.
  std::string input_device;
  std::string typing_skill;
  /// The browser every session runs in, whatever the persona: "chromium" or "headless-shell"
  /// (cdp/browser_choice.hpp; README "Browser choice"); empty: chromium unless --browser says.
  std::string browser;
  /// What a session of persona `p` scrolls with and how it types.
  std::string device_for(const storage::persona& p) const {
    return input_device.empty() ? p.input_device : input_device;
  }
  std::string skill_for(const storage::persona& p) const {
    return typing_skill.empty() ? p.typing_skill : typing_skill;
  }
  /// Open-model arrivals (engine/config/arrivals.hpp); empty: the closed model (concurrent_sessions
  /// visitors at once, each slot refilled as its session ends).
  std::vector<arrival_phase> arrivals;
  /// An arrival that cannot start on time (the concurrent_sessions cap is full) waits and starts
  /// late, up to this many seconds past its planned start; later, it is dropped (README, Arrivals).
  int max_lateness_s = 30;
  /// Page health (issue 21): each visit's Core Web Vitals and every request it made.
  bool page_health = true;

  nlohmann::json to_json() const;
  /// Reads settings back from campaign.settings (missing keys take the defaults).
  static campaign_settings from_json(const nlohmann::json& j);
  /// What from_json would leave out of stored settings as invalid (field and rule each): a
  /// campaign run again later (`compare --resolve`) must still be the campaign it was.
  static std::vector<config_issue> problems(const nlohmann::json& j);
};

/// User agents used when a campaign lists none.
const std::vector<std::string>& default_user_agents();

/// A campaign file's persona: inline (fully parsed) or a name to look up.
using persona_ref = std::variant<storage::persona, std::string>;

/// A parsed campaign file.
struct campaign_file {
  storage::campaign campaign;  ///< persona_id unset; settings filled from campaign_settings
  campaign_settings settings;
  persona_ref persona;
};

/// Parses and validates a persona object; `source` names it in errors.
storage::persona parse_persona(const nlohmann::json& j, const std::string& source,
                               const std::string& prefix = "");
/// Parses and validates a campaign object.
campaign_file parse_campaign(const nlohmann::json& j, const std::string& source);

/// Reads a JSON file; a syntax error becomes a config_error naming the file and the position.
nlohmann::json read_json_file(const std::filesystem::path& path);
storage::persona load_persona_file(const std::filesystem::path& path);
campaign_file load_campaign_file(const std::filesystem::path& path);

/// A named persona's file beside campaign file `file`: personas/NAME.json, parsed; nullopt when
/// there is none. (`run` looks in the database first.)
std::optional<storage::persona> persona_beside(const std::filesystem::path& file,
                                               const std::string& name);

/// `footfall visit`'s persona when no campaign file gives one inline: two pages (the one asked
/// for, then a link the seed picks), 2–4 actions on each with typing now and then, 5–20 s in all
/// at pace 1.
storage::persona visit_persona();

/// The JSON form of a persona, as accepted by parse_persona (for `persona show`).
nlohmann::json persona_to_json(const storage::persona& p);
/// Effective hard limit of one session in seconds.
int session_timeout_s(const campaign_settings& s, const storage::persona& p);

}  // namespace footfall::engine
