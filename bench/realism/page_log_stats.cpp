#include "bench/realism/page_log_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>

namespace footfall::bench {
namespace {

using json = nlohmann::json;

double mean(const std::vector<double>& v) {
  return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double sd(const std::vector<double>& v) {
  if (v.size() < 2) return NAN;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}
double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double lo(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::min_element(v.begin(), v.end());
}
double hi(const std::vector<double>& v) {
  return v.empty() ? NAN : *std::max_element(v.begin(), v.end());
}

bool modifier(const std::string& k) {
  return k == "Shift" || k == "Control" || k == "Alt" || k == "Meta";
}

struct move {
  double t, x, y;
};

/// Path ratio and velocity profile of the pointer movement that ended at a press.
void measure_path(const std::vector<move>& seg, page_measures& m) {
  // Skip resting drift before the movement: start at the last sample before a > 3 px step.
  std::size_t start = 0;
  while (start + 1 < seg.size() &&
         std::hypot(seg[start + 1].x - seg[start].x, seg[start + 1].y - seg[start].y) <= 3)
    ++start;
  if (seg.size() < start + 5) return;
  const auto& a = seg[start];
  const auto& b = seg.back();
  const double straight = std::hypot(b.x - a.x, b.y - a.y), dur = b.t - a.t;
  if (straight < 80 || dur <= 0) return;
  double len = 0, peak = 0, peak_t = a.t;
  for (std::size_t i = start + 1; i < seg.size(); ++i)
    len += std::hypot(seg[i].x - seg[i - 1].x, seg[i].y - seg[i - 1].y);
  // Speed over windows of ≥ 40 ms: the renderer may dispatch two coalesced moves in one task,
  // and a near-zero dt between them is a scheduling artefact, not a speed.
  for (std::size_t i = start, j = start + 1; j < seg.size(); ++i) {
    while (j < seg.size() && seg[j].t - seg[i].t < 40) ++j;
    if (j == seg.size()) break;
    double d = 0;
    for (std::size_t k = i + 1; k <= j; ++k)
      d += std::hypot(seg[k].x - seg[k - 1].x, seg[k].y - seg[k - 1].y);
    const double v = d / (seg[j].t - seg[i].t);
    if (v > peak) peak = v, peak_t = (seg[i].t + seg[j].t) / 2;
  }
  m.path_ratios.push_back(len / straight);
  m.peak_at.push_back((peak_t - a.t) / dur);
  m.peak_over_mean.push_back(peak / (len / dur));
}

std::string device_of(const std::vector<double>& deltas) {
  if (deltas.empty()) return "no wheel";
  const bool notches = std::all_of(deltas.begin(), deltas.end(), [](double d) {
    return d >= 99.5 && std::abs(d / 100 - std::round(d / 100)) < 0.005;
  });
  if (notches) return "wheel (100 px notches)";
  if (std::all_of(deltas.begin(), deltas.end(), [](double d) { return d <= 50; }))
    return "touchpad (≤ 50 px deltas)";
  return "neither device";
}

// g++ 12 at -O1 reports std::optional<double>'s payload "may be used uninitialized" where every
// read is behind a has-value test (GCC bug 80635, a known false positive of optional).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
void measure_session(json events, page_measures& m) {
  std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
    return a.value("t", 0.0) < b.value("t", 0.0);
  });
  std::map<std::string, double> held;  // code → keydown time
  std::map<int, double> pressed;       // button → mousedown time
  std::optional<double> last_key, shift_at, backspace_at, last_input, last_move_t;
  std::optional<double> prev_scroll_y;
  double last_x = 0, last_y = 0;
  std::vector<move> seg;
  std::vector<double> deltas;
  for (const auto& e : events) {
    if (!e.value("isTrusted", false) && e.value("type", "") != "scroll") continue;
    const std::string type = e.value("type", "");
    const double t = e.value("t", 0.0);
    const bool input = type == "keydown" || type == "mousedown" || type == "wheel";
    if (input) {
      if (last_input && t - *last_input > 300) m.pauses.push_back(t - *last_input);
      last_input = t;
    }
    if (type == "keydown") {
      const std::string key = e.value("key", ""), code = e.value("code", "");
      if (key == "Shift") shift_at = t;
      if (modifier(key)) continue;
      ++m.keydowns;
      if (!held.empty()) ++m.overlaps;
      held[code] = t;
      if (last_key && t - *last_key < 2000) m.iki.push_back(t - *last_key);
      last_key = t;
      if (shift_at) m.shift_gaps.push_back(t - *shift_at), shift_at.reset();
      // A correction follows its Backspace within the burst (a clear's Backspace does not).
      if (backspace_at && key != "Backspace" && t - *backspace_at < 2000)
        m.backspace_gaps.push_back(t - *backspace_at);
      backspace_at.reset();
      if (key == "Backspace") backspace_at = t;
      seg.clear();
    } else if (type == "keyup") {
      const auto it = held.find(e.value("code", ""));
      if (it != held.end() && !modifier(e.value("key", ""))) {
        m.key_holds.push_back(t - it->second);
        held.erase(it);
      }
    } else if (type == "mousedown") {
      // The movement ends at its last mousemove: the aim pause before pressing is not movement.
      measure_path(seg, m);
      seg.clear();
      last_key.reset();  // a new field: the next key starts a new burst
      pressed[e.value("button", 0)] = t;
      if (e.contains("fx") && e.contains("fy")) {
        const double fx = e["fx"].get<double>(), fy = e["fy"].get<double>();
        m.click_offsets.push_back(std::max(std::abs(fx - 0.5), std::abs(fy - 0.5)));
        m.in_box += fx >= 0.3 && fx <= 0.7 && fy >= 0.3 && fy <= 0.7;
      }
    } else if (type == "mouseup") {
      const auto it = pressed.find(e.value("button", 0));
      if (it != pressed.end()) m.click_holds.push_back(t - it->second), pressed.erase(it);
      seg.clear();
    } else if (type == "mousemove") {
      const double x = e.value("clientX", 0.0), y = e.value("clientY", 0.0);
      if (last_move_t && t - *last_move_t >= 90 && std::hypot(x - last_x, y - last_y) <= 2)
        ++m.rest_moves;
      if (last_move_t && t - *last_move_t > 300) seg.clear();
      seg.push_back({t, x, y});
      last_move_t = t, last_x = x, last_y = y;
    } else if (type == "wheel") {
      ++m.wheel_events;
      for (const char* k : {"deltaY", "deltaX"}) {
        const double d = std::abs(e.value(k, 0.0));
        if (d < 0.5) continue;
        deltas.push_back(d);
        m.wheel_values.insert(static_cast<int>(std::lround(d)));
      }
      seg.clear();
    } else if (type == "scroll") {
      ++m.scroll_events;
      const bool document = e.value("target", "") == "#document";
      const double y = e.value("scrollY", 0.0);
      if (!last_input || t - *last_input > 1000) {
        ++m.scrolls_without_input;
        if (document && prev_scroll_y) m.jumps.push_back(std::abs(y - *prev_scroll_y));
      }
      if (document) prev_scroll_y = y;
    }
  }
  ++m.devices[device_of(deltas)];
}
#pragma GCC diagnostic pop

std::string fmt(double v, const char* f = "%.0f") {
  if (std::isnan(v)) return "–";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}
std::string pct(int n, int d) { return d ? fmt(100.0 * n / d, "%.1f") + " %" : "–"; }

double auc(const std::vector<double>& higher, const std::vector<double>& lower) {
  double s = 0;
  for (double h : higher)
    for (double l : lower) s += h > l ? 1 : h == l ? 0.5 : 0;
  return higher.empty() || lower.empty() ? NAN
                                         : s / static_cast<double>(higher.size() * lower.size());
}

std::vector<std::vector<std::string>> rows_of(const page_measures& a, const page_measures& b) {
  auto devices = [](const page_measures& m) {
    std::string s;
    for (const auto& [k, n] : m.devices)
      s += (s.empty() ? "" : ", ") + std::to_string(n) + "× " + k;
    return s;
  };
  auto both = [&](auto f) { return std::vector<std::string>{f(a), f(b)}; };
  std::vector<std::vector<std::string>> rows;
  auto add = [&](std::string name, std::string ref, std::vector<std::string> v) {
    rows.push_back({std::move(name), std::move(ref), v[0], v[1]});
  };
  add("inter-key interval mean / SD", "≈ 239 / 112 ms (Dhakal et al. 2018, ≈ 52 WPM)",
      both([](auto& m) {
        return fmt(mean(m.iki)) + " / " + fmt(sd(m.iki)) + " ms (n " +
               std::to_string(m.iki.size()) + ")";
      }));
  add("key hold (keydown→keyup) mean", "≈ 100 ms (Killourhy & Maxion 2009)",
      both([](auto& m) { return fmt(mean(m.key_holds), "%.1f") + " ms"; }));
  add("overlapping keys (rollover)", "common in fast typists (Dhakal et al. 2018)",
      both([](auto& m) {
        return std::to_string(m.overlaps) + " of " + std::to_string(m.keydowns);
      }));
  add("Shift→letter, Backspace→correction", "tens of ms; a normal gap", both([](auto& m) {
        return fmt(mean(m.shift_gaps), "%.1f") + " ms, " + fmt(mean(m.backspace_gaps), "%.1f") +
               " ms";
      }));
  add("press→release of a click (mean)", "≈ 100 ms",
      both([](auto& m) { return fmt(mean(m.click_holds), "%.1f") + " ms"; }));
  add("click point in the element", "centre-biased, unbounded", both([](auto& m) {
        return "mean offset " + fmt(mean(m.click_offsets), "%.2f") + ", in 30–70 % box " +
               pct(m.in_box, static_cast<int>(m.click_offsets.size()));
      }));
  add("wheel step", "100 px per notch (mouse); small deltas (touchpad)", both([&](auto& m) {
        return std::to_string(m.wheel_values.size()) + " distinct |Δ| in " +
               std::to_string(m.wheel_events) + " events; sessions: " + devices(m);
      }));
  add("scrolls with no input behind them", "rare", both([](auto& m) {
        return std::to_string(m.scrolls_without_input) + " of " + std::to_string(m.scroll_events) +
               " (median jump " + fmt(median(m.jumps)) + " px)";
      }));
  add("pointer at rest", "small jitter, drift", both([](auto& m) {
        return fmt(m.sessions ? double(m.rest_moves) / m.sessions : NAN, "%.1f") +
               " drift moves/session";
      }));
  add("pointer path / straight line", "slightly curved, ≈ 1.0–1.3", both([](auto& m) {
        return fmt(mean(m.path_ratios), "%.3f") + " (" + fmt(lo(m.path_ratios), "%.2f") + "–" +
               fmt(hi(m.path_ratios), "%.2f") + ", n " + std::to_string(m.path_ratios.size()) + ")";
      }));
  add("velocity: time to peak, peak/mean",
      "bell-shaped, early peak; min-jerk 0.5, 1.875 per sub-movement", both([](auto& m) {
        return fmt(mean(m.peak_at), "%.2f") + ", " + fmt(mean(m.peak_over_mean), "%.2f");
      }));
  add("pauses > 300 ms between inputs", "heavy tail", both([](auto& m) {
        return "median " + fmt(median(m.pauses)) + " ms, CV " +
               fmt(sd(m.pauses) / mean(m.pauses), "%.2f");
      }));
  return rows;
}

}  // namespace

page_measures measure(const std::map<int, json>& logs) {
  page_measures m;
  for (const auto& [i, events] : logs) {
    if (!events.is_array()) continue;
    ++m.sessions;
    measure_session(events, m);
  }
  return m;
}

score_separation separation(const std::vector<storage::session_analytics_row>& p1,
                            const std::vector<storage::session_analytics_row>& p0) {
  score_separation s;
  auto fill = [](const auto& rows, auto& b, auto& r, auto& e, auto& d) {
    for (const auto& x : rows) {
      if (x.behaviour_risk_score) b.push_back(*x.behaviour_risk_score);
      if (x.rhythm_score) r.push_back(*x.rhythm_score);
      if (x.environment_risk_score) e.push_back(*x.environment_risk_score);
      d.push_back(x.detection_risk_score);
    }
  };
  fill(p1, s.behaviour1, s.rhythm1, s.environment1, s.detection1);
  fill(p0, s.behaviour0, s.rhythm0, s.environment0, s.detection0);
  s.auc_behaviour = auc(s.behaviour0, s.behaviour1);
  s.auc_rhythm = auc(s.rhythm1, s.rhythm0);
  return s;
}

void print_table(const page_measures& p1, const page_measures& p0, int sessions) {
  std::printf(
      "bench/realism: %d sessions per pace against test/site/realism.html, measured from "
      "the page (recorder.js)\n\n",
      sessions);
  std::printf("| measure | people | footfall pace 1 | footfall pace 0 |\n|---|---|---|---|\n");
  for (const auto& r : rows_of(p1, p0))
    std::printf("| %s | %s | %s | %s |\n", r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str());
}

void print_scores(const score_separation& s) {
  std::printf("\n| score | pace 1 min–max | pace 0 min–max | ranking AUC |\n|---|---|---|---|\n");
  auto row = [](const char* n, const std::vector<double>& a, const std::vector<double>& b,
                std::string auc_text) {
    std::printf("| %s | %s–%s | %s–%s | %s |\n", n, fmt(lo(a), "%.2f").c_str(),
                fmt(hi(a), "%.2f").c_str(), fmt(lo(b), "%.2f").c_str(), fmt(hi(b), "%.2f").c_str(),
                auc_text.c_str());
  };
  row("behaviour_risk_score", s.behaviour1, s.behaviour0,
      fmt(s.auc_behaviour, "%.2f") + " (pace 0 higher)");
  row("rhythm_score", s.rhythm1, s.rhythm0, fmt(s.auc_rhythm, "%.2f") + " (pace 1 higher)");
  row("environment_risk_score", s.environment1, s.environment0, "– (same browser)");
  row("detection_risk_score", s.detection1, s.detection0,
      fmt(auc(s.detection0, s.detection1), "%.2f"));
}

json to_json(const page_measures& p1, const page_measures& p0, const score_separation& s) {
  json rows = json::array();
  for (const auto& r : rows_of(p1, p0))
    rows.push_back({{"measure", r[0]}, {"people", r[1]}, {"pace1", r[2]}, {"pace0", r[3]}});
  return {
      {"bench", "realism"},
      {"table", rows},
      {"behaviour", {{"pace1", s.behaviour1}, {"pace0", s.behaviour0}, {"auc", s.auc_behaviour}}},
      {"rhythm", {{"pace1", s.rhythm1}, {"pace0", s.rhythm0}, {"auc", s.auc_rhythm}}}};
}

bool targets_met(const page_measures& m, const score_separation& s) {
  bool all = true;
  auto check = [&](const char* what, bool ok) {
    std::printf("%s  %s\n", ok ? "PASS" : "FAIL", what);
    all = all && ok;
  };
  std::printf("\ntargets (pace 1):\n");
  const double ki = mean(m.iki), ks = sd(m.iki), kh = mean(m.key_holds), ch = mean(m.click_holds);
  check("inter-key mean 200–300 ms, SD ≥ 80 ms", ki >= 200 && ki <= 300 && ks >= 80);
  check("key hold 70–130 ms", kh >= 70 && kh <= 130);
  check("click hold 60–140 ms", ch >= 60 && ch <= 140);
  check("no scroll without input", m.scroll_events > 0 && m.scrolls_without_input == 0);
  check("wheel deltas of each session from one device model",
        m.devices.count("neither device") == 0 && m.wheel_events > 0);
  const double pr = mean(m.path_ratios), pa = mean(m.peak_at), pm = mean(m.peak_over_mean);
  check("path/straight 1.0–1.3; time to peak 0.2–0.6; peak/mean 1.5–2.6",
        pr >= 1.0 && pr <= 1.3 && pa >= 0.2 && pa <= 0.6 && pm >= 1.5 && pm <= 2.6);
  check(
      "every pace-0 behaviour_risk ≥ every pace-1 one + 0.3",
      !s.behaviour0.empty() && !s.behaviour1.empty() && lo(s.behaviour0) - hi(s.behaviour1) >= 0.3);
  check("every pace-1 rhythm_score ≥ every pace-0 one + 0.3",
        !s.rhythm0.empty() && !s.rhythm1.empty() && lo(s.rhythm1) - hi(s.rhythm0) >= 0.3);
  return all;
}

}  // namespace footfall::bench
