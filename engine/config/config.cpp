#include "engine/config/config.hpp"
#include "engine/persona/links.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace footfall::engine {
namespace {

using nlohmann::json;

std::string join_issues(const std::string& source, const std::vector<config_issue>& issues) {
  std::string out;
  for (const auto& i : issues) {
    if (!out.empty()) out += '\n';
    out += source + ": " + i.field + ": " + i.rule;
  }
  return out;
}

/// Reads fields of one JSON object, collecting every broken rule instead of stopping at the first.
class reader {
 public:
  reader(const json& j, std::string prefix, std::vector<config_issue>& issues)
      : j_(j), prefix_(std::move(prefix)), issues_(issues) {}

  void fail(const std::string& field, std::string rule) {
    issues_.push_back({prefix_ + field, std::move(rule)});
  }
  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  const json& at(const char* key) const { return j_.at(key); }

  std::string text(const char* key, bool required, std::size_t max_len, std::string def = {}) {
    seen_.insert(key);
    if (!has(key)) {
      if (required) fail(key, "is required");
      return def;
    }
    if (!at(key).is_string()) {
      fail(key, "expected a string");
      return def;
    }
    auto s = at(key).get<std::string>();
    if (required && s.empty()) fail(key, "must not be empty");
    if (s.size() > max_len) fail(key, "at most " + std::to_string(max_len) + " characters");
    return s;
  }
  /// An integer >= min (rule text says "positive" for min 1, "non-negative" for 0).
  int integer(const char* key, bool required, int def, int min) {
    seen_.insert(key);
    const std::string rule = min == 1   ? "expected a positive integer"
                             : min == 0 ? "expected a non-negative integer"
                                        : "expected an integer >= " + std::to_string(min);
    if (!has(key)) {
      if (required) fail(key, "is required (" + rule + ")");
      return def;
    }
    const auto& v = at(key);
    if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > 2000000000) {
      fail(key, rule);
      return def;
    }
    return v.get<int>();
  }
  double probability(const char* key, double def) {
    seen_.insert(key);
    if (!has(key)) return def;
    const auto& v = at(key);
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
      fail(key, "expected a number between 0 and 1");
      return def;
    }
    return v.get<double>();
  }
  bool boolean(const char* key, bool def) {
    seen_.insert(key);
    if (!has(key)) return def;
    if (!at(key).is_boolean()) {
      fail(key, "expected true or false");
      return def;
    }
    return at(key).get<bool>();
  }
  void mark(const char* key) { seen_.insert(key); }
  /// Unknown keys are usually typos of known ones: say so rather than ignore them.
  void reject_unknown() {
    for (const auto& [k, v] : j_.items())
      if (!seen_.count(k)) fail(k, "unknown field");
  }

 private:
  const json& j_;
  std::string prefix_;
  std::vector<config_issue>& issues_;
  std::set<std::string> seen_;
};

void check_range(reader& r, const char* min_key, int min, const char* max_key, int max) {
  if (max < min)
    r.fail(max_key, std::string("must be >= ") + min_key + " (" + std::to_string(min) + ")");
}

bool valid_http_url(const std::string& u) {
  const auto scheme_end = u.find("://");
  if (scheme_end == std::string::npos) return false;
  const auto scheme = u.substr(0, scheme_end);
  return (scheme == "http" || scheme == "https") && u.size() > scheme_end + 3 &&
         u[scheme_end + 3] != '/';
}

/// A string field with a fixed set of values; absent leaves `out` as it is.
void one_of(reader& r, const char* key, std::string& out, const std::set<std::string>& allowed) {
  if (!r.has(key)) {
    r.mark(key);
    return;
  }
  const auto v = r.text(key, false, 20, out);
  if (!allowed.count(v)) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
    r.fail(key, "expected one of " + list);
  } else {
    out = v;
  }
}

const std::set<std::string> input_devices{"wheel", "touchpad", "mixed"};
const std::set<std::string> typing_skills{"novice", "average", "expert", "mixed"};
const std::set<std::string> popup_rules{"record", "follow", "close"};
const std::set<std::string> browsers{"chromium", "headless-shell"};

storage::persona read_persona(reader& r) {
  storage::persona p;
  p.name = r.text("name", true, 100);
  p.description = r.text("description", false, 10000);
  p.session_duration_min = r.integer("session_duration_min", false, p.session_duration_min, 1);
  p.session_duration_max = r.integer("session_duration_max", false, p.session_duration_max, 1);
  check_range(r, "session_duration_min", p.session_duration_min, "session_duration_max",
              p.session_duration_max);
  p.pages_min = r.integer("pages_min", false, p.pages_min, 1);
  p.pages_max = r.integer("pages_max", false, p.pages_max, 1);
  check_range(r, "pages_min", p.pages_min, "pages_max", p.pages_max);
  p.actions_per_page_min = r.integer("actions_per_page_min", false, p.actions_per_page_min, 0);
  p.actions_per_page_max = r.integer("actions_per_page_max", false, p.actions_per_page_max, 0);
  check_range(r, "actions_per_page_min", p.actions_per_page_min, "actions_per_page_max",
              p.actions_per_page_max);
  p.scroll_probability = r.probability("scroll_probability", p.scroll_probability);
  p.click_probability = r.probability("click_probability", p.click_probability);
  p.typing_probability = r.probability("typing_probability", p.typing_probability);
  // The visitor's hardware and skill (engine/journey/human_dispatch.hpp); a campaign may override them.
  one_of(r, "input_device", p.input_device, input_devices);
  one_of(r, "typing_skill", p.typing_skill, typing_skills);
  // What a popup or new tab does to the journey (engine/journey/popups.hpp).
  one_of(r, "popups", p.popups, popup_rules);
  r.mark("id");
  return p;
}

void read_arrivals(reader& r, const json& j, campaign_settings& s) {
  r.mark("arrivals");
  if (r.has("arrivals"))
    for (auto& [field, rule] : parse_arrival_phases(j.at("arrivals"), s.arrivals))
      r.fail(field, rule);
  s.max_lateness_s = r.integer("max_lateness_s", false, s.max_lateness_s, 0);
  if (s.max_lateness_s > max_lease_s)
    r.fail("max_lateness_s", "must be <= " + std::to_string(max_lease_s));
}

void read_settings(reader& r, const json& j, campaign_settings& s) {
  r.mark("user_agents");
  if (j.contains("user_agents")) {
    const auto& v = j.at("user_agents");
    if (!v.is_array() || v.empty()) {
      r.fail("user_agents", "expected a non-empty array of strings");
    } else {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get<std::string>().empty())
          r.fail("user_agents[" + std::to_string(i) + "]", "expected a non-empty string");
        else
          s.user_agents.push_back(v[i].get<std::string>());
      }
    }
  }
  r.mark("viewports");
  if (j.contains("viewports")) {
    const auto& v = j.at("viewports");
    if (!v.is_array() || v.empty()) r.fail("viewports", "expected a non-empty array");
    for (std::size_t i = 0; v.is_array() && i < v.size(); ++i) {
      const std::string f = "viewports[" + std::to_string(i) + "]";
      const auto& e = v[i];
      const bool ok = e.is_object() && e.contains("width") && e.contains("height") &&
                      e["width"].is_number_integer() && e["height"].is_number_integer() &&
                      e["width"].get<int>() >= 200 && e["width"].get<int>() <= 7680 &&
                      e["height"].get<int>() >= 200 && e["height"].get<int>() <= 4320;
      if (!ok)
        r.fail(f, "expected {\"width\": 200..7680, \"height\": 200..4320}");
      else
        s.viewports.push_back({e["width"].get<int>(), e["height"].get<int>()});
    }
  }
  s.session_timeout_s = r.integer("session_timeout_s", false, 0, 1);
  // Leases (storage/leases.hpp): a worker silent for lease_s loses its sessions to the others.
  s.lease_s = r.integer("lease_s", false, s.lease_s, 1);
  if (s.lease_s > max_lease_s) r.fail("lease_s", "must be <= " + std::to_string(max_lease_s));
  s.max_attempts = r.integer("max_attempts", false, s.max_attempts, 1);
  if (s.max_attempts > 100) r.fail("max_attempts", "must be <= 100");
  s.navigation_timeout_ms = r.integer("navigation_timeout_ms", false, s.navigation_timeout_ms, 100);
  s.page_health = r.boolean("page_health", true);
  r.mark("pace");
  if (j.contains("pace")) {
    const auto& v = j.at("pace");
    if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 100)
      r.fail("pace", "expected a number between 0 and 100 (1 = human, 0 = as fast as possible)");
    else
      s.pace = v.get<double>();
  }
  // Overrides of the persona's input_device / typing_skill (absent: the persona's).
  one_of(r, "input_device", s.input_device, input_devices);
  one_of(r, "typing_skill", s.typing_skill, typing_skills);
  one_of(r, "browser", s.browser, browsers);
  read_arrivals(r, j, s);
}

}  // namespace

config_error::config_error(std::string src, std::vector<config_issue> is)
    : std::runtime_error(join_issues(src, is)), source(std::move(src)), issues(std::move(is)) {}

const std::vector<std::string>& default_user_agents() {
  static const std::vector<std::string> agents{
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/123.0.0.0 Safari/537.36 Edg/123.0.0.0",
  };
  return agents;
}

nlohmann::json campaign_settings::to_json() const {
  json j;
  j["user_agents"] = user_agents;
  j["viewports"] = json::array();
  for (const auto& v : viewports)
    j["viewports"].push_back({{"width", v.width}, {"height", v.height}});
  j["session_timeout_s"] = session_timeout_s;
  j["pace"] = pace;
  j["navigation_timeout_ms"] = navigation_timeout_ms;
  j["lease_s"] = lease_s;
  j["max_attempts"] = max_attempts;
  if (!input_device.empty()) j["input_device"] = input_device;
  if (!typing_skill.empty()) j["typing_skill"] = typing_skill;
  if (!browser.empty()) j["browser"] = browser;
  if (!arrivals.empty()) j["arrivals"] = arrival_phases_to_json(arrivals);
  j["max_lateness_s"] = max_lateness_s;
  j["page_health"] = page_health;
  return j;
}

campaign_settings campaign_settings::from_json(const nlohmann::json& j) {
  campaign_settings s;
  if (j.is_object()) {
    std::vector<config_issue> ignored;
    reader r(j, "", ignored);
    read_settings(r, j, s);
  }
  if (s.user_agents.empty()) s.user_agents = default_user_agents();
  if (s.viewports.empty()) s.viewports = {{1280, 800}};
  return s;
}

std::vector<config_issue> campaign_settings::problems(const nlohmann::json& j) {
  if (!j.is_object()) return {{"settings", "expected a JSON object"}};
  std::vector<config_issue> issues;
  campaign_settings s;
  reader r(j, "", issues);
  read_settings(r, j, s);
  return issues;
}

storage::persona parse_persona(const json& j, const std::string& source,
                               const std::string& prefix) {
  std::vector<config_issue> issues;
  if (!j.is_object())
    throw config_error(source, {{prefix.empty() ? "(root)" : prefix, "expected a JSON object"}});
  reader r(j, prefix.empty() ? "" : prefix + ".", issues);
  auto p = read_persona(r);
  r.reject_unknown();
  if (!issues.empty()) throw config_error(source, std::move(issues));
  return p;
}

campaign_file parse_campaign(const json& j, const std::string& source) {
  std::vector<config_issue> issues;
  if (!j.is_object()) throw config_error(source, {{"(root)", "expected a JSON object"}});
  reader r(j, "", issues);
  campaign_file f;
  auto& c = f.campaign;
  c.name = r.text("name", true, 200);
  c.description = r.text("description", false, 10000);
  c.target_url = r.text("target_url", true, 500);
  if (!c.target_url.empty() && !valid_http_url(c.target_url))
    r.fail("target_url", "expected an http:// or https:// URL with a host");
  // Issue 9: nothing secret is stored. A campaign's URL is stored and copied to every session, so
  // a user:password@ part would sit in the database; refuse it rather than strip it silently.
  else if (!c.target_url.empty() && strip_credentials(c.target_url) != c.target_url)
    r.fail("target_url", "must not contain credentials (user:password@): footfall stores URLs "
                         "and never stores secrets");
  const auto before = issues.size();
  c.total_sessions = r.integer("total_sessions", true, 1, 1);
  // Sessions are materialized as rows up front: refuse sizes no run could reach before anything
  // is created (10^9 used to end in std::bad_alloc with a half-created campaign).
  if (c.total_sessions > max_total_sessions) {
    r.fail("total_sessions", "must be <= " + std::to_string(max_total_sessions));
    c.total_sessions = 1;
  }
  const bool total_ok = issues.size() == before;
  c.concurrent_sessions =
      r.integer("concurrent_sessions", false, std::min(10, c.total_sessions), 1);
  if (c.concurrent_sessions > max_concurrent_sessions)
    r.fail("concurrent_sessions", "must be <= " + std::to_string(max_concurrent_sessions));
  else if (total_ok && c.concurrent_sessions > c.total_sessions)
    r.fail("concurrent_sessions",
           "must be <= total_sessions (" + std::to_string(c.total_sessions) + ")");
  c.rate_limit_delay_ms = r.integer("rate_limit_delay_ms", false, 1000, 100);
  c.user_agent_rotation = r.boolean("user_agent_rotation", true);
  c.respect_robots_txt = r.boolean("respect_robots_txt", true);
  r.mark("seed");
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned() &&
        !(j["seed"].is_number_integer() && j["seed"].get<long long>() >= 0))
      r.fail("seed", "expected a non-negative integer");
    else
      c.seed = j["seed"].get<std::uint64_t>();
  }
  read_settings(r, j, f.settings);
  r.mark("persona");
  if (!j.contains("persona")) {
    r.fail("persona", "is required (a persona name, or an inline persona object)");
  } else if (j["persona"].is_string()) {
    if (j["persona"].get<std::string>().empty()) r.fail("persona", "must not be empty");
    f.persona = j["persona"].get<std::string>();
  } else if (j["persona"].is_object()) {
    reader pr(j["persona"], "persona.", issues);
    f.persona = read_persona(pr);
    pr.reject_unknown();
  } else {
    r.fail("persona", "expected a persona name or an inline persona object");
  }
  r.reject_unknown();
  if (!issues.empty()) throw config_error(source, std::move(issues));
  if (f.settings.user_agents.empty()) f.settings.user_agents = default_user_agents();
  if (f.settings.viewports.empty()) f.settings.viewports = {{1280, 800}};
  c.settings = f.settings.to_json();
  return f;
}

json read_json_file(const std::filesystem::path& path) {
  const std::string source = path.filename().string();
  // An ifstream opens a directory on Linux and then reads nothing: say what it is instead of
  // "invalid JSON at byte 1".
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw config_error(source, {{"(file)", "is a directory, not a file (" + path.string() + ")"}});
  std::ifstream in(path);
  if (!in)
    throw config_error(source, {{"(file)", "cannot be read (" + path.string() + "): " +
                                               std::strerror(errno)}});
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::parse_error& e) {
    throw config_error(source, {{"(syntax)", "invalid JSON at byte " + std::to_string(e.byte)}});
  }
}

storage::persona load_persona_file(const std::filesystem::path& path) {
  return parse_persona(read_json_file(path), path.filename().string());
}

campaign_file load_campaign_file(const std::filesystem::path& path) {
  return parse_campaign(read_json_file(path), path.filename().string());
}

json persona_to_json(const storage::persona& p) {
  json j{{"name", p.name},
         {"description", p.description},
         {"session_duration_min", p.session_duration_min},
         {"session_duration_max", p.session_duration_max},
         {"pages_min", p.pages_min},
         {"pages_max", p.pages_max},
         {"actions_per_page_min", p.actions_per_page_min},
         {"actions_per_page_max", p.actions_per_page_max},
         {"scroll_probability", p.scroll_probability},
         {"click_probability", p.click_probability},
         {"typing_probability", p.typing_probability},
         {"input_device", p.input_device},
         {"typing_skill", p.typing_skill},
         {"popups", p.popups}};
  if (!p.id.is_nil()) j["id"] = p.id.str();
  return j;
}

int session_timeout_s(const campaign_settings& s, const storage::persona& p) {
  if (s.session_timeout_s > 0) return s.session_timeout_s;
  // The persona's longest session plus room for slow pages; a session past this is `timeout`.
  return p.session_duration_max + 60;
}

std::optional<storage::persona> persona_beside(const std::filesystem::path& file,
                                               const std::string& name) {
  const auto beside = file.parent_path() / "personas" / (name + ".json");
  if (!std::filesystem::exists(beside)) return std::nullopt;
  return load_persona_file(beside);
}

storage::persona visit_persona() {
  storage::persona p;
  p.name = "visit";
  p.description = "footfall visit: a short look at one page and the next";
  p.session_duration_min = 5;
  p.session_duration_max = 20;
  p.pages_min = p.pages_max = 2;
  p.actions_per_page_min = 2;
  p.actions_per_page_max = 4;
  p.typing_probability = 0.3;
  return p;
}

}  // namespace footfall::engine
