#include "engine/persona/links.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace footfall::engine {
namespace {

std::string lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Google's robots matching: '*' any run of characters, a trailing '$' anchors the end.
bool robots_match(std::string_view pattern, std::string_view path) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Simple backtracking matcher; patterns are short.
  std::size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // prefix matched
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool luhn_card_number(std::string_view v) {
  std::string digits;
  for (char c : v) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits += c;
    else if (c != ' ' && c != '-')
      return false;
  }
  if (digits.size() < 13 || digits.size() > 19) return false;
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (dbl && (d *= 2) > 9) d -= 9;
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

}  // namespace

std::string url_parts::origin() const {
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return scheme + "://" + host + (default_port ? "" : ":" + std::to_string(port));
}

std::optional<url_parts> parse_url(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  url_parts u;
  u.scheme = lower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  auto rest = url.substr(sep + 3);
  const auto path_at = rest.find_first_of("/?#");
  auto authority = rest.substr(0, path_at);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  if (authority.empty()) return std::nullopt;
  u.port = u.scheme == "https" ? 443 : 80;
  const auto colon = authority.rfind(':');
  const bool ipv6 = authority.front() == '[';
  if (colon != std::string_view::npos && (!ipv6 || authority.find(']') < colon)) {
    const auto port = authority.substr(colon + 1);
    if (!port.empty()) {
      if (!std::all_of(port.begin(), port.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
          port.size() > 5)
        return std::nullopt;
      u.port = std::stoi(std::string(port));
    }
    authority = authority.substr(0, colon);
  }
  u.host = lower(authority);
  std::string path = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (const auto hash = path.find('#'); hash != std::string::npos) path.erase(hash);
  if (path.empty() || path.front() == '?') path.insert(path.begin(), '/');
  u.path = path;
  return u;
}

robots_rules robots_rules::parse(std::string_view text, std::string_view agent) {
  // Groups: consecutive User-agent lines followed by rules. Keep the rules of the group naming
  // our agent; fall back to '*'.
  std::vector<rule> star, mine;
  std::vector<std::string> group_agents;
  bool in_rules = false;
  const std::string me = lower(agent);
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = lower(trim(line.substr(0, colon)));
    const auto value = std::string(trim(line.substr(colon + 1)));
    if (key == "user-agent") {
      if (in_rules) group_agents.clear();
      in_rules = false;
      group_agents.push_back(lower(value));
    } else if (key == "allow" || key == "disallow") {
      in_rules = true;
      if (key == "disallow" && value.empty()) continue;  // "Disallow:" allows everything
      for (const auto& a : group_agents) {
        if (a == "*")
          star.push_back({value, key == "allow"});
        else if (!me.empty() && a == me)
          mine.push_back({value, key == "allow"});
      }
    }
  }
  robots_rules r;
  r.rules_ = mine.empty() ? std::move(star) : std::move(mine);
  return r;
}

bool robots_rules::allowed(std::string_view path) const {
  if (path == "/robots.txt") return true;
  const rule* best = nullptr;
  for (const auto& r : rules_) {
    if (!robots_match(r.pattern, path)) continue;
    if (!best || r.pattern.size() > best->pattern.size() ||
        (r.pattern.size() == best->pattern.size() && r.allow && !best->allow))
      best = &r;
  }
  return !best || best->allow;
}

std::string_view to_string(link_verdict v) {
  static constexpr std::array<std::string_view, 6> names{
      "ok", "not_http", "off_origin", "download", "robots_disallowed", "same_page"};
  return names.at(static_cast<std::size_t>(v));
}

bool looks_like_download(std::string_view path) {
  auto p = lower(path);
  if (const auto q = p.find('?'); q != std::string::npos) p.erase(q);
  static constexpr std::array<std::string_view, 24> exts{
      ".zip", ".pdf", ".exe", ".dmg", ".tar", ".gz",   ".tgz",  ".bz2",
      ".xz",  ".7z",  ".rar", ".iso", ".msi", ".deb",  ".rpm",  ".apk",
      ".mp3", ".mp4", ".mov", ".avi", ".csv", ".xlsx", ".docx", ".bin"};
  return std::any_of(exts.begin(), exts.end(), [&](std::string_view e) {
    return p.size() > e.size() && p.compare(p.size() - e.size(), e.size(), e) == 0;
  });
}

link_verdict judge_link(const link_candidate& link, const url_parts& page_url,
                        const robots_rules* robots) {
  const auto u = parse_url(link.href);
  if (!u) return link_verdict::not_http;  // mailto:, javascript:, tel:, data:, ...
  if (u->origin() != page_url.origin()) return link_verdict::off_origin;
  if (link.download_attribute || looks_like_download(u->path)) return link_verdict::download;
  if (robots && !robots->allowed(u->path)) return link_verdict::robots_disallowed;
  if (u->path == page_url.path) return link_verdict::same_page;
  return link_verdict::ok;
}

bool must_redact(std::string_view input_type, std::string_view name_or_id,
                 std::string_view autocomplete, std::string_view value) {
  if (lower(input_type) == "password") return true;
  const auto ac = lower(autocomplete);
  if (ac.find("cc-") != std::string::npos || ac.find("password") != std::string::npos ||
      ac.find("one-time-code") != std::string::npos)
    return true;
  const auto n = lower(name_or_id);
  static constexpr std::array<std::string_view, 9> secret{"pass", "pwd",  "card",   "cvv", "cvc",
                                                          "ssn",  "iban", "secret", "pin"};
  for (auto s : secret) {
    // "pin" only as a whole word or with a separator, so "shipping" is not a secret.
    if (s == "pin") {
      if (n == "pin" || n.find("pin_") == 0 || n.find("pin-") == 0 || n.ends_with("_pin") ||
          n.ends_with("-pin"))
        return true;
      continue;
    }
    if (n.find(s) != std::string::npos) return true;
  }
  return luhn_card_number(value);
}

std::string strip_credentials(std::string_view text) {
  // Each scheme://[userinfo@]host...: the userinfo ends at the last '@' before the authority
  // ends (path, query, fragment, or the end of the URL inside a longer text).
  std::string out;
  std::size_t from = 0;
  for (auto pos = text.find("://"); pos != std::string_view::npos; pos = text.find("://", pos)) {
    const auto auth = pos + 3;
    const auto auth_end = std::min(text.find_first_of("/?#\" \t\n'<>", auth), text.size());
    const auto at = text.substr(auth, auth_end - auth).rfind('@');
    if (at != std::string_view::npos) {
      out.append(text.substr(from, auth - from));
      from = auth + at + 1;
    }
    pos = auth_end;
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace footfall::engine
