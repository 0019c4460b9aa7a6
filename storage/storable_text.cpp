#include "storage/storable_text.hpp"

#include <optional>

namespace footfall::storage {
namespace {

constexpr char replacement[] = "\xEF\xBF\xBD";

bool in(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// Bytes of the well-formed sequence at s[i], or 0 when ill-formed; `bad` then gets the length of
// its maximal subpart (at least 1), the bytes one U+FFFD replaces. NUL counts as ill-formed.
std::size_t sequence(const std::string& s, std::size_t i, std::size_t& bad) {
  const auto b = [&](std::size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  const unsigned char c = b(0);
  bad = 1;
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (in(c, 0xC2, 0xDF)) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c == 0xED) n = 3, hi = 0x9F;  // no UTF-16 surrogates (CESU-8)
  else if (in(c, 0xE1, 0xEF)) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (in(c, 0xF1, 0xF3)) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;  // 80..C1, F5..FF never start a sequence
  if (!in(b(1), lo, hi)) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (!in(b(k), 0x80, 0xBF)) {
      bad = k;
      return 0;
    }
  }
  return n;
}

template <class T>
void repair(std::optional<T>& v, int& n) {
  if (v) n += static_cast<int>(make_storable(*v));
}
void repair(std::string& v, int& n) { n += static_cast<int>(make_storable(v)); }

}  // namespace

std::size_t make_storable(std::string& s) {
  std::size_t i = 0, bad = 0, n = 0;
  // Fast path: nothing is copied unless something must change.
  while (i < s.size()) {
    const auto len = sequence(s, i, bad);
    if (len == 0) break;
    i += len;
  }
  if (i == s.size()) return 0;
  std::string out(s, 0, i);
  out.reserve(s.size() + 8);
  while (i < s.size()) {
    const auto len = sequence(s, i, bad);
    if (len > 0) {
      out.append(s, i, len);
      i += len;
    } else {
      out += replacement;
      ++n;
      i += bad;
    }
  }
  s = std::move(out);
  return n;
}

std::size_t make_storable_json(std::string& s) {
  std::size_t n = make_storable(s);
  for (std::size_t i = s.find('\\'); i != std::string::npos && i + 1 < s.size();
       i = s.find('\\', i)) {
    if (s.compare(i, 6, "\\u0000") == 0) {
      s.replace(i + 2, 4, "fffd");
      ++n;
      i += 6;
    } else {
      i += 2;  // any other escape, including `\\`
    }
  }
  return n;
}

int make_storable(session_row& s) {
  int n = 0;
  repair(s.start_url, n);
  repair(s.user_agent, n);
  repair(s.error_message, n);
  repair(s.screenshot_path, n);
  s.text_repairs = n;
  return n;
}

int make_storable(page_record& p) {
  int n = 0;
  auto& v = p.visit;
  repair(v.url, n);
  repair(v.title, n);
  repair(v.navigation_kind, n);
  for (auto& a : p.actions) {
    repair(a.element_selector, n);
    repair(a.element_text, n);
    repair(a.input_value, n);
    repair(a.navigation_kind, n);
    if (a.input_timing) n += static_cast<int>(make_storable_json(*a.input_timing));
  }
  v.text_repairs = n;
  return n;
}

}  // namespace footfall::storage
