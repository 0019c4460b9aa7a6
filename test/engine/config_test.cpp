#include <doctest/doctest.h>

#include <string>

#include "engine/campaign_errors.hpp"
#include "engine/config/config.hpp"

using namespace footfall::engine;
using nlohmann::json;

namespace {
json good_campaign() {
  return json::parse(R"({
    "name": "c", "target_url": "http://127.0.0.1:8000/", "total_sessions": 10,
    "concurrent_sessions": 2, "seed": 7, "persona": "reader",
    "user_agents": ["UA-1", "UA-2"], "viewports": [{"width": 1024, "height": 700}], "pace": 0
  })");
}
constexpr auto error_of = footfall::test::campaign_error;
}  // namespace

TEST_CASE("config: a valid campaign parses with its extra settings") {
  const auto f = parse_campaign(good_campaign(), "campaign.json");
  CHECK(f.campaign.total_sessions == 10);
  CHECK(f.campaign.seed == 7);
  CHECK(std::get<std::string>(f.persona) == "reader");
  CHECK(f.settings.user_agents == std::vector<std::string>{"UA-1", "UA-2"});
  CHECK(f.settings.viewports == std::vector<viewport>{{1024, 700}});
  CHECK(f.settings.pace == 0);
  // The settings round-trip through the campaign's JSON column.
  const auto back = campaign_settings::from_json(f.campaign.settings);
  CHECK(back.user_agents == f.settings.user_agents);
  CHECK(back.viewports == f.settings.viewports);
}

TEST_CASE("config: errors name the file, the field and the rule") {
  auto j = good_campaign();
  j["total_sessions"] = -3;
  CHECK(error_of(j) == "campaign.json: total_sessions: expected a positive integer");
  j = good_campaign();
  j["total_sessions"] = "ten";
  CHECK(error_of(j) == "campaign.json: total_sessions: expected a positive integer");
  j = good_campaign();
  j["concurrent_sessions"] = 20;
  CHECK(error_of(j) == "campaign.json: concurrent_sessions: must be <= total_sessions (10)");
  j = good_campaign();
  j["rate_limit_delay_ms"] = 10;
  CHECK(error_of(j) == "campaign.json: rate_limit_delay_ms: expected an integer >= 100");
  j = good_campaign();
  j["target_url"] = "ftp://x";
  CHECK(error_of(j).find("target_url: expected an http:// or https:// URL") != std::string::npos);
  j = good_campaign();
  j["target_url"] = "http://user:secret@127.0.0.1:8000/";
  CHECK(error_of(j).find("target_url: must not contain credentials") != std::string::npos);
  j = good_campaign();
  j["totl_sessions"] = 1;
  CHECK(error_of(j) == "campaign.json: totl_sessions: unknown field");
  j = good_campaign();
  j.erase("persona");
  CHECK(error_of(j).find("campaign.json: persona: is required") == 0);
}

TEST_CASE("config: inline persona errors are prefixed and all reported") {
  auto j = good_campaign();
  j["persona"] = json::parse(R"({"name": "p", "pages_min": 4, "pages_max": 2,
                                 "click_probability": 1.5})");
  const auto e = error_of(j);
  CHECK(e.find("campaign.json: persona.pages_max: must be >= pages_min (4)") != std::string::npos);
  CHECK(e.find("campaign.json: persona.click_probability: expected a number between 0 and 1") !=
        std::string::npos);
  j["persona"] = json::parse(R"({"name": "p", "pages_min": 2, "pages_max": 4})");
  const auto f = parse_campaign(j, "campaign.json");
  CHECK(std::get<footfall::storage::persona>(f.persona).pages_max == 4);
}

TEST_CASE("config: a persona file's JSON syntax error names the file") {
  CHECK_THROWS_WITH_AS(load_persona_file(FOOTFALL_SOURCE_DIR "/test/engine/config_test.cpp"),
                       "config_test.cpp: (syntax): invalid JSON at byte 1", config_error);
  const auto p =
      parse_persona(persona_to_json(parse_persona(json{{"name", "x"}}, "p.json")), "p.json");
  CHECK(p.name == "x");
}

TEST_CASE("config: input device and typing skill are validated and round-trip") {
  auto j = good_campaign();
  j["input_device"] = "trackball";
  CHECK(error_of(j) ==
        "campaign.json: input_device: expected one of \"mixed\", \"touchpad\", \"wheel\"");
  j = good_campaign();
  j["typing_skill"] = 3;
  CHECK(error_of(j).find("campaign.json: typing_skill: expected a string") == 0);
  j = good_campaign();
  j["input_device"] = "touchpad";
  j["typing_skill"] = "expert";
  const auto f = parse_campaign(j, "campaign.json");
  CHECK(f.settings.input_device == "touchpad");
  CHECK(f.settings.typing_skill == "expert");
  const auto back = campaign_settings::from_json(f.campaign.settings);
  CHECK(back.input_device == "touchpad");
  CHECK(back.typing_skill == "expert");
  // Unset in the campaign: each persona's own (default "mixed"); set: it overrides the persona's.
  footfall::storage::persona who;
  CHECK(campaign_settings{}.input_device.empty());
  CHECK(campaign_settings{}.device_for(who) == "mixed");
  who.input_device = "wheel";
  who.typing_skill = "novice";
  CHECK(campaign_settings{}.device_for(who) == "wheel");
  CHECK(campaign_settings{}.skill_for(who) == "novice");
  CHECK(back.device_for(who) == "touchpad");
  CHECK(back.skill_for(who) == "expert");
  CHECK(!campaign_settings{}.to_json().contains("input_device"));
}

TEST_CASE("config: a persona's input device and typing skill are validated and round-trip") {
  json j{{"name", "p"}, {"input_device", "trackball"}};
  CHECK_THROWS_WITH_AS(parse_persona(j, "p.json"),
                       "p.json: input_device: expected one of \"mixed\", \"touchpad\", \"wheel\"",
                       config_error);
  j = json{{"name", "p"}, {"typing_skill", "fast"}};
  CHECK_THROWS_WITH_AS(
      parse_persona(j, "p.json"),
      "p.json: typing_skill: expected one of \"average\", \"expert\", \"mixed\", \"novice\"",
      config_error);
  j = json{{"name", "p"}, {"input_device", "touchpad"}, {"typing_skill", "expert"}};
  const auto p = parse_persona(persona_to_json(parse_persona(j, "p.json")), "p.json");
  CHECK(p.input_device == "touchpad");
  CHECK(p.typing_skill == "expert");
  CHECK(parse_persona(json{{"name", "q"}}, "p.json").input_device == "mixed");
  // Inline in a campaign, the field is named with its path.
  auto c = good_campaign();
  c["persona"] = json{{"name", "inline"}, {"typing_skill", 2}};
  CHECK(error_of(c).find("campaign.json: persona.typing_skill: expected a string") == 0);
}

TEST_CASE("config: a persona's popups rule is record, follow or close, and round-trips") {
  CHECK(parse_persona(json{{"name", "q"}}, "p.json").popups == "record");
  json j{{"name", "p"}, {"popups", "sometimes"}};
  CHECK_THROWS_WITH_AS(parse_persona(j, "p.json"),
                       "p.json: popups: expected one of \"close\", \"follow\", \"record\"",
                       config_error);
  for (const char* rule : {"record", "follow", "close"}) {
    j = json{{"name", "p"}, {"popups", rule}};
    CHECK(parse_persona(persona_to_json(parse_persona(j, "p.json")), "p.json").popups == rule);
  }
  auto c = good_campaign();
  c["persona"] = json{{"name", "inline"}, {"popups", true}};
  CHECK(error_of(c).find("campaign.json: persona.popups: expected a string") == 0);
}

TEST_CASE("config: browser is chromium or headless-shell, campaign-wide, and round-trips") {
  auto j = good_campaign();
  j["browser"] = "firefox";
  CHECK(error_of(j) ==
        "campaign.json: browser: expected one of \"chromium\", \"headless-shell\"");
  j["browser"] = 1;
  CHECK(error_of(j).find("campaign.json: browser: expected a string") == 0);
  j = good_campaign();
  CHECK(parse_campaign(j, "campaign.json").settings.browser.empty());  // chromium by default
  CHECK(!campaign_settings{}.to_json().contains("browser"));
  j["browser"] = "headless-shell";
  const auto f = parse_campaign(j, "campaign.json");
  CHECK(f.settings.browser == "headless-shell");
  CHECK(campaign_settings::from_json(f.campaign.settings).browser == "headless-shell");
  // A persona does not choose the browser: the field is the campaign's only.
  j["persona"] = json{{"name", "p"}, {"browser", "headless-shell"}};
  CHECK(error_of(j).find("persona.browser") != std::string::npos);
}

TEST_CASE("config: page_health is on by default, validated, and round-trips") {
  CHECK(parse_campaign(good_campaign(), "campaign.json").settings.page_health);
  auto j = good_campaign();
  j["page_health"] = false;
  const auto f = parse_campaign(j, "campaign.json");
  CHECK_FALSE(f.settings.page_health);
  CHECK_FALSE(campaign_settings::from_json(f.campaign.settings).page_health);
  j["page_health"] = "no";
  const auto e = error_of(j);
  CHECK(e.find("page_health") != std::string::npos);
}
