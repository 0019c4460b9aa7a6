#include "cdp/message_repair.hpp"

#include <charconv>

namespace footfall::cdp {
namespace {

// The code unit of a `\uXXXX` escape starting at `at` (the backslash), or -1.
long escape_unit(const std::string& s, std::size_t at) {
  if (at + 6 > s.size() || s[at] != '\\' || s[at + 1] != 'u') return -1;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data() + at + 2, s.data() + at + 6, v, 16);
  if (ec != std::errc() || end != s.data() + at + 6) return -1;
  return static_cast<long>(v);
}

bool high(long u) { return u >= 0xD800 && u <= 0xDBFF; }
bool low(long u) { return u >= 0xDC00 && u <= 0xDFFF; }

void replace(std::string& s, std::size_t at) { s.replace(at + 2, 4, "FFFD"); }

}  // namespace

std::size_t repair_lone_surrogates(std::string& s) {
  std::size_t repaired = 0;
  for (std::size_t i = s.find('\\'); i != std::string::npos && i + 1 < s.size();
       i = s.find('\\', i)) {
    const long u = escape_unit(s, i);
    if (u < 0) {
      i += 2;  // `\\`, `\"`, `\n`...: the escaped character is never an escape's start
      continue;
    }
    if (high(u) && low(escape_unit(s, i + 6))) {
      i += 12;  // a well-formed pair
      continue;
    }
    if (high(u) || low(u)) {
      replace(s, i);
      ++repaired;
    }
    i += 6;
  }
  return repaired;
}

std::optional<std::uint64_t> find_message_id(std::string_view s) {
  int depth = 0;
  bool in_string = false;
  std::size_t key_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        // A top-level key "id" followed by ':' and digits.
        if (depth == 1 && s.substr(key_start, i - key_start) == "id") {
          std::size_t j = i + 1;
          while (j < s.size() && (s[j] == ' ' || s[j] == ':')) ++j;
          std::uint64_t id = 0;
          auto [end, ec] = std::from_chars(s.data() + j, s.data() + s.size(), id);
          if (ec == std::errc() && end != s.data() + j) return id;
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      key_start = i + 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

parsed_message parse_message(std::string_view text) {
  parsed_message out;
  out.value = json::parse(text.begin(), text.end(), nullptr, false);
  if (!out.value.is_discarded()) return out;
  std::string copy(text);
  out.repaired = repair_lone_surrogates(copy);
  if (out.repaired > 0) {
    out.value = json::parse(copy, nullptr, false);
    if (!out.value.is_discarded()) return out;
  }
  // Rare: parse again with exceptions for the parser's own words (position and cause).
  try {
    out.value = json::parse(copy);
    out.error = "parsed only on the second attempt";  // cannot happen; never report success
  } catch (const json::parse_error& e) {
    out.error = e.what();
  }
  out.value = json(json::value_t::discarded);
  out.reply_id = find_message_id(copy);
  return out;
}

}  // namespace footfall::cdp
