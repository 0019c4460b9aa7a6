// The summary of a run: a text table for stdout and its JSON form.
#include <cstdio>

#include "engine/campaign/campaign_runner.hpp"

namespace footfall::engine {

using storage::session_status;

/// Open model: planned, started, late, dropped arrivals and lateness percentiles ("" otherwise).
std::string format_arrivals(const run_summary& s) {
  if (!s.arrivals) return "";
  const auto& a = *s.arrivals;
  const auto ms = [](const std::optional<double>& v) {
    return v ? std::to_string(static_cast<long>(*v)) : std::string("-");
  };
  char line[320];
  std::snprintf(line, sizeof line,
                "arrivals        %lld planned, %lld started, %lld late (>= %lld ms after plan), "
                "%lld dropped (%ld by this run); lateness p50 %s ms, p95 %s ms, max %s ms\n",
                static_cast<long long>(a.planned), static_cast<long long>(a.started),
                static_cast<long long>(a.late), static_cast<long long>(storage::late_after_ms),
                static_cast<long long>(a.dropped), s.dropped_here, ms(a.lateness_p50_ms).c_str(),
                ms(a.lateness_p95_ms).c_str(), ms(a.lateness_max_ms).c_str());
  return line;
}

std::string format_summary(const run_summary& s) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "campaign %s (%s): %s%s\n", s.campaign_name.c_str(),
                s.campaign_id.str().c_str(),
                std::string(storage::to_string(s.campaign_status)).c_str(),
                s.interrupted ? " (interrupted: unfinished sessions left pending)" : "");
  out += line;
  out += "\nsessions        campaign   this run\n";
  for (auto st : {session_status::completed, session_status::failed, session_status::timeout,
                  session_status::dropped, session_status::running, session_status::pending}) {
    const auto c = s.campaign_sessions.count(st) ? s.campaign_sessions.at(st) : 0;
    const auto r = s.run_sessions.count(st) ? s.run_sessions.at(st) : 0;
    std::snprintf(line, sizeof line, "  %-12s %9ld %10ld\n",
                  std::string(storage::to_string(st)).c_str(), c, r);
    out += line;
  }
  std::snprintf(line, sizeof line, "\npages visited   %ld\nactions         %ld\n", s.pages,
                s.actions);
  out += line;
  for (const auto& [t, n] : s.actions_by_type) {
    std::snprintf(line, sizeof line, "  %-18s %7ld\n", std::string(storage::to_string(t)).c_str(),
                  n);
    out += line;
  }
  if (s.p50_dwell_ms) {
    std::snprintf(line, sizeof line, "p50 page dwell  %.0f ms\n", *s.p50_dwell_ms);
    out += line;
  }
  std::snprintf(line, sizeof line, "wall time       %.1f s (%d browser launch(es), %d replaced)\n",
                s.wall_s, s.browser_launches, s.browser_replacements);
  out += line;
  if (s.leases.reclaimed || s.leases.failed_lost || s.leases.lost_here) {
    std::snprintf(line, sizeof line,
                  "leases          %ld reclaimed from lost workers, %ld failed as lost, %ld lost "
                  "here\n",
                  s.leases.reclaimed, s.leases.failed_lost, s.leases.lost_here);
    out += line;
  }
  out += format_arrivals(s);
  if (s.outage_s > 0 || s.batches_spooled > 0) {
    std::snprintf(line, sizeof line, "database outage %.1f s waited out, %ld batch(es) spooled\n",
                  s.outage_s, s.batches_spooled);
    out += line;
  }
  return out;
}

nlohmann::json summary_json(const run_summary& s) {
  nlohmann::json j;
  j["campaign_id"] = s.campaign_id.str();
  j["campaign_name"] = s.campaign_name;
  j["campaign_status"] = storage::to_string(s.campaign_status);
  j["interrupted"] = s.interrupted;
  for (const auto& [k, v] : s.campaign_sessions)
    j["campaign_sessions"][std::string(storage::to_string(k))] = v;
  for (const auto& [k, v] : s.run_sessions)
    j["run_sessions"][std::string(storage::to_string(k))] = v;
  j["pages"] = s.pages;
  j["actions"] = s.actions;
  for (const auto& [k, v] : s.actions_by_type)
    j["actions_by_type"][std::string(storage::to_string(k))] = v;
  j["p50_dwell_ms"] = s.p50_dwell_ms ? nlohmann::json(*s.p50_dwell_ms) : nlohmann::json();
  j["wall_s"] = s.wall_s;
  j["browser_launches"] = s.browser_launches;
  j["browser_replacements"] = s.browser_replacements;
  j["worker_name"] = s.worker_name;
  j["finished_here"] = s.finished_here;
  j["leases"] = {{"reclaimed", s.leases.reclaimed},
                 {"failed_lost", s.leases.failed_lost},
                 {"lost_here", s.leases.lost_here},
                 {"worker_errors", s.leases.worker_errors}};
  j["outage_s"] = s.outage_s;
  j["batches_spooled"] = s.batches_spooled;
  j["fenced_items"] = s.fenced_items;
  if (s.arrivals) {
    const auto& a = *s.arrivals;
    const auto opt = [](const std::optional<double>& v) {
      return v ? nlohmann::json(*v) : nlohmann::json();
    };
    j["arrivals"] = {{"planned", a.planned},         {"started", a.started},
                     {"late", a.late},               {"dropped", a.dropped},
                     {"dropped_here", s.dropped_here}, {"late_after_ms", storage::late_after_ms},
                     {"lateness_p50_ms", opt(a.lateness_p50_ms)},
                     {"lateness_p95_ms", opt(a.lateness_p95_ms)},
                     {"lateness_max_ms", opt(a.lateness_max_ms)}};
  }
  return j;
}

}  // namespace footfall::engine
