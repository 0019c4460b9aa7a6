#include "storage/validation.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "storage/errors.hpp"

namespace footfall::storage {
namespace {

// Collects problems as `<entity> "<name>": <field> (<value>) <rule>`.
class problems {
 public:
  explicit problems(std::string prefix) : prefix_(std::move(prefix)) {}
  void add(const std::string& msg) { list_.push_back(prefix_ + ": " + msg); }
  template <class T>
  static std::string v(const T& x) {
    std::ostringstream s;
    s << x;
    return s.str();
  }
  void positive(const char* field, long long x) {
    if (x <= 0) add(std::string(field) + " (" + v(x) + ") must be > 0");
  }
  void at_least(const char* field, long long x, long long min) {
    if (x < min) add(std::string(field) + " (" + v(x) + ") must be >= " + v(min));
  }
  void ordered(const char* lo_name, long long lo, const char* hi_name, long long hi) {
    if (lo > hi) add(std::string(lo_name) + " (" + v(lo) + ") > " + hi_name + " (" + v(hi) + ")");
  }
  void probability(const char* field, double p) {
    if (!(p >= 0.0 && p <= 1.0)) add(std::string(field) + " (" + v(p) + ") must be between 0 and 1");
  }
  void one_of(const char* field, const std::string& s, std::initializer_list<const char*> allowed) {
    std::string list;
    for (const char* a : allowed) {
      if (s == a) return;
      list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
    }
    add(std::string(field) + " (\"" + s + "\") must be one of " + list);
  }
  void length(const char* field, const std::string& s, std::size_t max, bool required = true) {
    if (required && s.find_first_not_of(" \t\r\n") == std::string::npos)
      add(std::string(field) + " is required");
    else if (s.size() > max)
      add(std::string(field) + " is " + v(s.size()) + " characters, at most " + v(max) + " allowed");
  }
  /// Names are single-line text: no C0 control characters (NUL included) and no DEL. A NUL would
  /// cut the name short at libpq's C-string boundary; a newline would break every table.
  void no_controls(const char* field, const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 || c == 0x7F) {
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", c);
        add(std::string(field) + " contains a control character (" + code + " at byte " +
            v(i + 1) + "): control characters are not allowed in names");
        return;
      }
    }
  }
  void id(const char* field, const uuid& u) {
    if (u.is_nil()) add(std::string(field) + " is not set");
  }
  std::vector<std::string> take() { return std::move(list_); }

 private:
  std::string prefix_;
  std::vector<std::string> list_;
};

// The name as a message may show it: control characters as \uXXXX (a NUL would end the line).
std::string printable(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += ch;
    }
  }
  return out;
}

bool http_url(const std::string& u) { return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0; }

template <class T>
void throw_if(const T& x) {
  if (auto p = validate(x); !p.empty()) throw validation_error(std::move(p));
}

}  // namespace

std::vector<std::string> validate(const persona& p) {
  problems e("persona \"" + printable(p.name) + "\"");
  e.length("name", p.name, 100);
  e.no_controls("name", p.name);
  e.positive("session_duration_min", p.session_duration_min);
  e.ordered("session_duration_min", p.session_duration_min, "session_duration_max",
            p.session_duration_max);
  e.positive("pages_min", p.pages_min);
  e.ordered("pages_min", p.pages_min, "pages_max", p.pages_max);
  e.at_least("actions_per_page_min", p.actions_per_page_min, 0);
  e.ordered("actions_per_page_min", p.actions_per_page_min, "actions_per_page_max",
            p.actions_per_page_max);
  e.probability("scroll_probability", p.scroll_probability);
  e.probability("click_probability", p.click_probability);
  e.probability("typing_probability", p.typing_probability);
  e.one_of("input_device", p.input_device, {"wheel", "touchpad", "mixed"});
  e.one_of("typing_skill", p.typing_skill, {"novice", "average", "expert", "mixed"});
  e.one_of("popups", p.popups, {"record", "follow", "close"});
  return e.take();
}

std::vector<std::string> validate(const campaign& c) {
  problems e("campaign \"" + printable(c.name) + "\"");
  e.length("name", c.name, 200);
  e.no_controls("name", c.name);
  e.length("target_url", c.target_url, 500);
  if (!c.target_url.empty() && !http_url(c.target_url))
    e.add("target_url (" + c.target_url + ") must start with http:// or https://");
  e.positive("total_sessions", c.total_sessions);
  e.positive("concurrent_sessions", c.concurrent_sessions);
  // Sessions are materialized as rows up front: sizes beyond these are a typo, not a campaign.
  if (c.total_sessions > 1'000'000)
    e.add("total_sessions (" + std::to_string(c.total_sessions) + ") must be <= 1000000");
  if (c.concurrent_sessions > 10'000)
    e.add("concurrent_sessions (" + std::to_string(c.concurrent_sessions) + ") must be <= 10000");
  e.ordered("concurrent_sessions", c.concurrent_sessions, "total_sessions", c.total_sessions);
  e.at_least("rate_limit_delay_ms", c.rate_limit_delay_ms, 100);
  e.id("persona_id", c.persona_id);
  if (!c.settings.is_object()) e.add("settings must be a JSON object");
  return e.take();
}

std::vector<std::string> validate(const session_row& s) {
  problems e("session " + s.id.str());
  e.id("id", s.id);
  e.id("campaign_id", s.campaign_id);
  e.id("persona_id", s.persona_id);
  e.at_least("session_index", s.session_index, 0);
  e.length("start_url", s.start_url, 500);
  e.length("user_agent", s.user_agent, 1 << 20);
  e.positive("viewport_width", s.viewport_width);
  e.positive("viewport_height", s.viewport_height);
  e.at_least("pages_visited", s.pages_visited, 0);
  e.at_least("total_actions", s.total_actions, 0);
  if (s.session_duration_ms) e.at_least("session_duration_ms", *s.session_duration_ms, 0);
  return e.take();
}

std::vector<std::string> validate(const page_record& p) {
  const auto& v = p.visit;
  problems e("page visit " + v.id.str() + " (visit_order " + std::to_string(v.visit_order) + ")");
  e.id("id", v.id);
  e.id("session_id", v.session_id);
  e.length("url", v.url, 500);
  e.positive("visit_order", v.visit_order);
  if (v.left_at && *v.left_at < v.arrived_at) e.add("left_at is before arrived_at");
  if (v.scroll_depth_percent < 0 || v.scroll_depth_percent > 100)
    e.add("scroll_depth_percent (" + std::to_string(v.scroll_depth_percent) +
          ") must be between 0 and 100");
  e.at_least("actions_count", v.actions_count, 0);
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    const auto& a = p.actions[i];
    // Built only when something is wrong: this runs for every recorded action.
    auto at = [i] { return "actions[" + std::to_string(i) + "]"; };
    if (a.page_visit_id != v.id) e.add(at() + ".page_visit_id is not this page visit's id");
    if (a.page_arrived_at != v.arrived_at) e.add(at() + ".page_arrived_at differs from arrived_at");
    if (a.action_order != int(i) + 1)
      e.add(at() + ".action_order (" + std::to_string(a.action_order) + ") must be " +
            std::to_string(i + 1) + ": sequential from 1");
    if (a.id.is_nil()) e.add(at() + ".id is not set");
    if (a.duration_ms < 0) e.add(at() + ".duration_ms (" + std::to_string(a.duration_ms) + ") must be >= 0");
  }
  if (v.request_count && *v.request_count != int(p.requests.size()))
    e.add("request_count (" + std::to_string(*v.request_count) + ") is not the number of requests (" +
          std::to_string(p.requests.size()) + ")");
  for (std::size_t i = 0; i < p.requests.size(); ++i) {
    const auto& r = p.requests[i];
    auto at = [i] { return "requests[" + std::to_string(i) + "]"; };
    if (r.page_visit_id != v.id) e.add(at() + ".page_visit_id is not this page visit's id");
    if (r.page_arrived_at != v.arrived_at) e.add(at() + ".page_arrived_at differs from arrived_at");
    if (r.request_order != int(i) + 1)
      e.add(at() + ".request_order (" + std::to_string(r.request_order) + ") must be " +
            std::to_string(i + 1) + ": sequential from 1");
    if (r.id.is_nil()) e.add(at() + ".id is not set");
    if (r.url.empty()) e.add(at() + ".url is required");
    if (r.status && (*r.status < 100 || *r.status > 999))
      e.add(at() + ".status (" + std::to_string(*r.status) + ") must be between 100 and 999");
    if (!(r.duration_ms >= 0)) e.add(at() + ".duration_ms must be >= 0");
    if (r.encoded_bytes && *r.encoded_bytes < 0) e.add(at() + ".encoded_bytes must be >= 0");
  }
  return e.take();
}

void check(const persona& p) { throw_if(p); }
void check(const campaign& c) { throw_if(c); }
void check(const session_row& s) { throw_if(s); }
void check(const page_record& p) { throw_if(p); }

}  // namespace footfall::storage
