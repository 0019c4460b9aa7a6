#include "cdp/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "cdp/command_stats.hpp"
#include "cdp/message_repair.hpp"

namespace footfall::cdp {

namespace {

constexpr auto npos = std::string_view::npos;

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

/// Past the string whose opening quote is at `i`; npos when it does not end. A quote ends it
/// unless an odd run of backslashes precedes it; memchr finds the quotes.
std::size_t skip_string(std::string_view s, std::size_t i) {
  const char* const base = s.data();
  const char* const end = base + s.size();
  const char* from = base + i + 1;
  for (;;) {
    const auto* q = static_cast<const char*>(std::memchr(from, '"', end - from));
    if (!q) return npos;
    const char* run = q;
    while (run > from && run[-1] == '\\') --run;
    if ((q - run) % 2 == 0) return static_cast<std::size_t>(q - base) + 1;
    from = q + 1;
  }
}

/// Past the value starting at `i`; npos when it is broken. Inside an array or object only the
/// brackets' nesting and the strings' ends are checked: whoever reads a nested object views it,
/// which checks that layer.
std::size_t skip_value(std::string_view s, std::size_t i) {
  if (i >= s.size()) return npos;
  const char c = s[i];
  if (c == '"') return skip_string(s, i);
  if (c == '{' || c == '[') {
    std::string open;  // the brackets still open (a string: CDP nests a few dozen deep at most)
    while (i < s.size()) {
      const char d = s[i];
      if (d == '"') {
        i = skip_string(s, i);
        if (i == npos) return npos;
        continue;
      }
      if (d == '{' || d == '[') {
        open.push_back(d == '{' ? '}' : ']');
      } else if (d == '}' || d == ']') {
        if (open.empty() || open.back() != d) return npos;
        open.pop_back();
        if (open.empty()) return i + 1;
      }
      ++i;
    }
    return npos;
  }
  // A number, true, false or null: up to the next delimiter.
  const auto start = i;
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_ws(s[i])) ++i;
  return i == start ? npos : i;
}

}  // namespace

std::optional<event_text> split_event(std::string_view m) {
  constexpr std::string_view head = R"({"method":")", params = R"(,"params":)",
                             session = R"(,"sessionId":")";
  if (!m.starts_with(head)) return std::nullopt;
  const auto q = m.find('"', head.size());
  if (q == npos) return std::nullopt;
  event_text e;
  e.method = m.substr(head.size(), q - head.size());
  if (e.method.find('\\') != npos || m.substr(q + 1, params.size()) != params)
    return std::nullopt;
  const auto start = q + 1 + params.size();
  if (m.ends_with("\"}")) {
    // The session id is the last member: its last occurrence is the real one (a nested
    // "sessionId", as in Target.attachedToTarget's params, comes before it).
    const auto s = m.rfind(session);
    if (s == npos || s < start) return std::nullopt;
    const auto id = s + session.size();
    e.session = m.substr(id, m.size() - 2 - id);
    if (e.session.find_first_of("\"\\") != npos) return std::nullopt;
    e.params = m.substr(start, s - start);
  } else if (m.ends_with("}")) {
    e.params = m.substr(start, m.size() - 1 - start);
  } else {
    return std::nullopt;
  }
  return e;
}

std::optional<object_view> object_view::of(std::string_view t) {
  object_view v;
  auto i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '{') return std::nullopt;
  i = skip_ws(t, i + 1);
  if (i < t.size() && t[i] == '}') {
    ++i;
  } else {
    v.members_.reserve(16);
    for (;;) {
      if (i >= t.size() || t[i] != '"') return std::nullopt;
      const auto name_end = skip_string(t, i);
      if (name_end == npos) return std::nullopt;
      const auto name = t.substr(i + 1, name_end - i - 2);
      if (name.find('\\') != npos) return std::nullopt;  // compared as written: not safe
      i = skip_ws(t, name_end);
      if (i >= t.size() || t[i] != ':') return std::nullopt;
      i = skip_ws(t, i + 1);
      const auto end = skip_value(t, i);
      if (end == npos) return std::nullopt;
      v.members_.emplace_back(name, t.substr(i, end - i));
      i = skip_ws(t, end);
      if (i < t.size() && t[i] == ',') {
        i = skip_ws(t, i + 1);
        continue;
      }
      if (i < t.size() && t[i] == '}') {
        ++i;
        break;
      }
      return std::nullopt;
    }
  }
  if (skip_ws(t, i) != t.size()) return std::nullopt;
  return v;
}

std::optional<std::string_view> object_view::raw(std::string_view name) const {
  for (auto it = members_.rbegin(); it != members_.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

std::optional<double> object_view::number(std::string_view name) const {
  const auto r = raw(name);
  if (!r || r->empty()) return std::nullopt;
  // JSON's numbers only: a digit first, or a minus and a digit (from_chars alone takes "inf").
  const bool digit = (*r)[0] >= '0' && (*r)[0] <= '9';
  if (!digit && !((*r)[0] == '-' && r->size() > 1 && (*r)[1] >= '0' && (*r)[1] <= '9'))
    return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(r->data(), r->data() + r->size(), v);
  if (ec != std::errc() || end != r->data() + r->size()) return std::nullopt;
  return v;
}

std::optional<std::string> object_view::string(std::string_view name) const {
  const auto r = raw(name);
  if (!r || r->size() < 2 || (*r)[0] != '"') return std::nullopt;
  const auto inner = r->substr(1, r->size() - 2);
  if (inner.find('\\') == npos) return std::string(inner);
  auto parsed = parse_message(*r);
  if (!parsed.ok() || !parsed.value.is_string()) return std::nullopt;
  if (parsed.repaired > 0) global_command_stats().record_repaired(parsed.repaired);
  return parsed.value.get<std::string>();
}

std::optional<object_view> object_view::object(std::string_view name, bool* viewable) const {
  const auto r = raw(name);
  if (!r || r->empty() || (*r)[0] != '{') return std::nullopt;
  auto v = of(*r);
  if (!v && viewable) *viewable = false;
  return v;
}

std::string parsed_fields::text(const char* k) const {
  const auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> parsed_fields::num(const char* k) const {
  const auto it = j.find(k);
  return it != j.end() && it->is_number() ? std::optional<double>(it->get<double>())
                                          : std::nullopt;
}

bool parsed_fields::is_true(const char* k) const {
  const auto it = j.find(k);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::optional<parsed_fields> parsed_fields::object(const char* k, bool&) const {
  const auto it = j.find(k);
  if (it == j.end() || !it->is_object()) return std::nullopt;
  return parsed_fields{*it};
}

std::optional<text_fields> text_fields::object(const char* k, bool& ok) const {
  auto o = v.object(k, &ok);
  if (!o) return std::nullopt;
  return text_fields{std::move(*o)};
}

}  // namespace footfall::cdp
