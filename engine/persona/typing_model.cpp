// Per-key typing plans. References:
//  [D18] Dhakal, Feit, Kristensson, Oulasvirta: "Observations on Typing from 136 Million
//        Keystrokes", CHI 2018. 168,000 participants: mean inter-key interval (IKI) 238.66 ms
//        (SD 111.6) at a mean of 51.56 WPM; fast typists ≈ 120 ms IKI, slow ones > 400 ms; key
//        rollover (pressing the next key before releasing the previous) grows with speed.
//  [KM09] Killourhy & Maxion: "Comparing Anomaly-Detection Algorithms for Keystroke Dynamics",
//        DSN 2009 (CMU benchmark, 51 typists): key hold times ≈ 80–110 ms.
//  [S86] Salthouse: "Perceptual, cognitive, and motoric aspects of transcription typing",
//        Psychological Bulletin 99, 1986: digraphs typed with alternating hands are faster than
//        same-hand ones; same-finger digraphs are the slowest; word starts are slower.
#include "engine/persona/typing_model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

#include "engine/persona/behaviour.hpp"

namespace footfall::engine {
namespace {

/// Hand (0 left, 1 right, 2 thumb/none) and finger (0–3 from the pinky) of an ASCII key on QWERTY.
struct finger_pos {
  int hand = 2;
  int finger = -1;
};

finger_pos finger_of(char c) {
  static constexpr std::string_view cols[8] = {
      "qaz1!`~",    "wsx2@",  "edc3#",  "rfvtgb45$%",
      "yhnujm67^&", "ik,8*<", "ol.9(>", "p;/0)-['\"_={}:?+]\\|"};
  const char lc = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < 8; ++i)
    if (cols[i].find(lc) != std::string_view::npos) return {i < 4 ? 0 : 1, i < 4 ? i : 7 - i};
  return {};
}

/// The IKI multiplier of the digraph prev→cur [S86]: alternating hands 0.9, same hand 1.05, same
/// finger on another key 1.3, a repeated key 0.95, the first letter of a word 1.1.
double digraph_factor(char prev, char cur) {
  if (prev == ' ') return 1.1;
  if (prev == cur) return 0.95;
  const auto a = finger_of(prev), b = finger_of(cur);
  if (a.hand == 2 || b.hand == 2) return 0.95;
  if (a.hand != b.hand) return 0.9;
  return a.finger == b.finger ? 1.3 : 1.05;
}

/// A log-normal draw with the given mean and SD (not median/shape).
double lognormal_mean_sd(rng& r, double mean, double sd) {
  const double s2 = std::log(1 + (sd / mean) * (sd / mean));
  return r.lognormal(mean / std::exp(s2 / 2), std::sqrt(s2));
}

char neighbour(char c, rng& r) {
  static const char* rows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  const bool upper = std::isupper(static_cast<unsigned char>(c));
  const char lc = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* row : rows) {
    const std::string s(row);
    const auto i = s.find(lc);
    if (i == std::string::npos) continue;
    const std::size_t j = i == 0 ? 1 : i + 1 >= s.size() ? i - 1 : (r.chance(0.5) ? i - 1 : i + 1);
    return upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(s[j]))) : s[j];
  }
  return c;
}

bool needs_shift(const std::string& ch) {
  if (ch.size() != 1) return false;
  const char c = ch[0];
  return std::isupper(static_cast<unsigned char>(c)) ||
         std::string_view("~!@#$%^&*()_+{}|:\"<>?").find(c) != std::string_view::npos;
}

/// Places Shift presses/releases around shifted keys: down 30–120 ms before the key (after the
/// previous press), up 20–60 ms after the key's release but before the next press.
void place_shift(std::vector<planned_key>& ks, rng& r) {
  for (std::size_t i = 0; i < ks.size(); ++i) {
    auto& k = ks[i];
    if (!k.shift) continue;
    const bool run_start = i == 0 || !ks[i - 1].shift;
    const bool run_end = i + 1 == ks.size() || !ks[i + 1].shift;
    if (run_start) {
      const double floor = i == 0 ? 0 : ks[i - 1].down_ms + 0.4 * (k.down_ms - ks[i - 1].down_ms);
      k.shift_press = true;
      k.shift_down_ms = std::max(floor, k.down_ms - r.lognormal(60, 0.35));
    }
    if (run_end) {
      const double next = i + 1 < ks.size() ? ks[i + 1].down_ms : 1e300;
      k.shift_release = true;
      k.shift_up_ms = std::max(k.down_ms + 5, std::min(k.up_ms + r.lognormal(35, 0.3), next - 8));
    }
  }
}

}  // namespace

const char* to_string(typing_skill s) {
  switch (s) {
    case typing_skill::novice:
      return "novice";
    case typing_skill::expert:
      return "expert";
    default:
      return "average";
  }
}

typing_profile profile_for(typing_skill s) {
  // [D18]'s mean participant for `average`; its slow (≈ 30 WPM) and fast (≈ 85 WPM) groups for
  // the others. Holds after [KM09]; typo rates: [D18] reports ≈ 1–3 % of keystrokes corrected.
  switch (s) {
    case typing_skill::novice:
      return {380, 170, 115, 0.25, 0.03};
    case typing_skill::expert:
      return {140, 60, 88, 0.2, 0.01};
    default:
      return {239, 112, 100, 0.22, 0.02};
  }
}

std::vector<planned_key> plan_typing(const std::string& text, const typing_profile& p, double pace,
                                     rng& r) {
  std::vector<planned_key> out;
  double t = 0;
  char prev = 0;
  auto press = [&](std::string ch, bool backspace, double gap) {
    if (!out.empty()) t += gap;
    planned_key k;
    k.text = std::move(ch);
    k.backspace = backspace;
    k.shift = !backspace && needs_shift(k.text);
    k.down_ms = t;
    k.up_ms = t + std::clamp(r.lognormal(p.hold_median_ms, p.hold_sigma), 30.0, 400.0);
    out.push_back(std::move(k));
  };
  for (std::size_t i = 0; i < text.size();) {
    // One UTF-8 code point at a time, so a multi-byte character is one key.
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::string ch = text.substr(i, len);
    const char c = len == 1 ? text[i] : 'x';
    const double factor = prev ? digraph_factor(prev, c) : 1.0;
    const double gap =
        std::clamp(lognormal_mean_sd(r, p.iki_mean_ms, p.iki_sd_ms) * factor, 35.0, 2500.0);
    if (r.chance(p.typo_rate) && len == 1 && std::isalpha(lead)) {
      press(std::string(1, neighbour(text[i], r)), false, gap);
      press("", true, r.lognormal(380, 0.35));  // noticing the error takes a moment
      press(ch, false, r.lognormal(230, 0.3));
    } else {
      press(ch, false, gap);
    }
    prev = c;
    i += len;
  }
  // Shift first shifts its key's press by its lead, so the first key of a plan starts after it.
  if (!out.empty() && out.front().shift) {
    const double lead_ms = r.lognormal(60, 0.35);
    for (auto& k : out) k.down_ms += lead_ms, k.up_ms += lead_ms;
  }
  place_shift(out, r);
  for (auto& k : out) {
    k.down_ms = paced(k.down_ms, pace);
    k.up_ms = paced(k.up_ms, pace);
    k.shift_down_ms = paced(k.shift_down_ms, pace);
    k.shift_up_ms = paced(k.shift_up_ms, pace);
  }
  return out;
}

std::string apply_keys(const std::vector<planned_key>& ks) {
  std::string s;
  for (const auto& k : ks) {
    if (!k.backspace) {
      s += k.text;
      continue;
    }
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty()) s.pop_back();
  }
  return s;
}

key_timing timing_of(const std::vector<planned_key>& ks) {
  key_timing t;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    t.holds.push_back(static_cast<int>(std::lround(ks[i].up_ms - ks[i].down_ms)));
    if (i > 0) t.gaps.push_back(static_cast<int>(std::lround(ks[i].down_ms - ks[i - 1].down_ms)));
  }
  return t;
}

}  // namespace footfall::engine
