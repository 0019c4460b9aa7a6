// The report's arrivals section (see report_arrivals.hpp).
#include "analytics/report_arrivals.hpp"

#include <cstdio>

namespace footfall::analytics {
namespace {

std::string ms(const std::optional<double>& v) {
  if (!v) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.0f", *v);
  return b;
}

std::string summary_line(const storage::arrival_stats& a) {
  char b[320];
  std::snprintf(b, sizeof b,
                "%lld planned, %lld started, %lld late (>= %lld ms), %lld dropped; lateness p50 "
                "%s ms, p95 %s ms, max %s ms",
                static_cast<long long>(a.planned), static_cast<long long>(a.started),
                static_cast<long long>(a.late), static_cast<long long>(storage::late_after_ms),
                static_cast<long long>(a.dropped), ms(a.lateness_p50_ms).c_str(),
                ms(a.lateness_p95_ms).c_str(), ms(a.lateness_max_ms).c_str());
  return b;
}

}  // namespace

std::string render_arrivals_table(const campaign_report& r) {
  const auto& a = r.data.arrivals;
  if (!a) return "";
  std::string out =
      "\narrivals   " + summary_line(*a) + "\n  minute   planned   started   dropped\n";
  char b[96];
  for (const auto& m : r.data.arrival_minutes) {
    std::snprintf(b, sizeof b, "  %6d %9lld %9lld %9lld\n", m.minute,
                  static_cast<long long>(m.planned), static_cast<long long>(m.started),
                  static_cast<long long>(m.dropped));
    out += b;
  }
  return out;
}

nlohmann::json render_arrivals_json(const campaign_report& r) {
  const auto& a = r.data.arrivals;
  if (!a) return nullptr;
  const auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  nlohmann::json minutes = nlohmann::json::array();
  for (const auto& m : r.data.arrival_minutes)
    minutes.push_back({{"minute", m.minute},
                       {"planned", m.planned},
                       {"started", m.started},
                       {"dropped", m.dropped}});
  return {{"planned", a->planned},
          {"started", a->started},
          {"late", a->late},
          {"late_after_ms", storage::late_after_ms},
          {"dropped", a->dropped},
          {"lateness_p50_ms", opt(a->lateness_p50_ms)},
          {"lateness_p95_ms", opt(a->lateness_p95_ms)},
          {"lateness_max_ms", opt(a->lateness_max_ms)},
          {"per_minute", minutes}};
}

std::string render_arrivals_html(const campaign_report& r) {
  const auto& a = r.data.arrivals;
  if (!a) return "";
  std::string h =
      "<section class=\"card wide\" id=\"arrivals\"><h2>Arrivals: planned vs achieved</h2><p>" +
      xml_escape(summary_line(*a)) +
      "</p><table><thead><tr><th>minute</th><th>planned</th><th>started</th><th>dropped</th>"
      "</tr></thead><tbody>";
  for (const auto& m : r.data.arrival_minutes)
    h += "<tr><td>" + std::to_string(m.minute) + "</td><td>" + std::to_string(m.planned) +
         "</td><td>" + std::to_string(m.started) + "</td><td>" + std::to_string(m.dropped) +
         "</td></tr>";
  h += "</tbody></table><p class=\"note\">Sessions start as a seeded Poisson process over the "
       "campaign's arrival phases. An arrival that finds concurrent_sessions full waits and starts "
       "late; one not started within max_lateness_s of its plan is dropped (never run, not a "
       "failure). Planned per minute of planned start; started per minute of actual start.</p>"
       "</section>\n";
  return h;
}

}  // namespace footfall::analytics
