#include "analytics/report.hpp"
#include "analytics/report_arrivals.hpp"
#include "analytics/session_page.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "analytics/stats.hpp"
#include "analytics/json_values.hpp"

namespace footfall::analytics {
namespace {

using namespace storage;

std::string iso_utc(double epoch_ms) {
  const auto secs = static_cast<std::time_t>(epoch_ms / 1000.0);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string opt(std::optional<double> v, const char* f = "%.2f") {
  if (!v) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, *v);
  return buf;
}

nlohmann::json jint(std::optional<int> v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

nlohmann::json session_analytics_json(const session_analytics_row& a) {
  return {{"total_duration_ms", a.total_duration_ms},
          {"avg_page_dwell_time_ms", jopt(a.avg_page_dwell_time_ms)},
          {"median_page_dwell_time_ms",
           a.median_page_dwell_time_ms ? nlohmann::json(*a.median_page_dwell_time_ms) : nlohmann::json()},
          {"pages_visited", a.pages_visited},
          {"navigation_depth", a.navigation_depth},
          {"bounce_rate", a.bounce_rate},
          {"total_actions", a.total_actions},
          {"actions_per_page", jopt(a.actions_per_page)},
          {"click_through_rate", jopt(a.click_through_rate)},
          {"scroll_engagement", jopt(a.scroll_engagement)},
          {"action_variance", jopt(a.action_variance)},
          {"rhythm_score", jopt(a.rhythm_score)},
          {"pause_distribution", a.pause_distribution},
          {"detection_risk_score", a.detection_risk_score},
          {"risk_signals", a.risk_signals}};
}

}  // namespace

std::string url_path(const std::string& url) {
  std::size_t start = 0;
  if (auto scheme = url.find("://"); scheme != std::string::npos) {
    start = url.find('/', scheme + 3);
    if (start == std::string::npos) return "/";
  }
  const auto end = url.find_first_of("?#", start);
  std::string p = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return p.empty() ? "/" : p;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows only tab, LF and CR below 0x20.
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') out += ' ';
        else out += static_cast<char>(ch);
    }
  }
  return out;
}

campaign_report build_report(campaign_dataset data) {
  campaign_report r;
  struct acc {
    int visits = 0, console = 0, failed = 0, saturated = 0;
    std::vector<double> load, dwell;
  };
  std::map<std::string, acc> by_path;
  for (const auto& f : data.visits) {
    auto& a = by_path[url_path(f.visit.url)];
    ++a.visits;
    a.console += f.visit.console_errors;
    a.failed += f.visit.failed_requests;
    if (f.visit.load_ms) a.load.push_back(*f.visit.load_ms);
    a.saturated += f.visit.saturated;
    r.saturated_visits += f.visit.saturated;
    if (f.visit.left_ms) a.dwell.push_back(*f.visit.left_ms - f.visit.arrived_ms);
    r.console_errors += f.visit.console_errors;
    r.failed_requests += f.visit.failed_requests;
  }
  for (auto& [path, a] : by_path) {
    path_stats p;
    p.path = path;
    p.visits = a.visits;
    p.load_samples = static_cast<int>(a.load.size());
    p.load_p50_ms = quantile(a.load, 0.5);
    p.load_p95_ms = quantile(a.load, 0.95);
    p.load_max_ms = quantile(a.load, 1.0);
    p.avg_dwell_ms = mean(a.dwell);
    p.console_errors = a.console;
    p.failed_requests = a.failed;
    p.saturated_visits = a.saturated;
    r.paths.push_back(std::move(p));
  }
  r.generated_at = iso_utc(epoch_ms(clock::now()));
  r.data = std::move(data);
  return r;
}

std::string render_table(const campaign_report& r) {
  const auto& c = r.data.info;
  std::string out;
  char line[512];
  auto put = [&](const char* f, auto... xs) {
    std::snprintf(line, sizeof line, f, xs...);
    out += line;
  };
  put("campaign   %s  (%s)\n", c.name.c_str(), c.id.str().c_str());
  put("target     %s\nstatus     %s\n", c.target_url.c_str(), std::string(to_string(c.status)).c_str());
  int by_status[6] = {};
  for (const auto& s : r.data.sessions) ++by_status[static_cast<int>(s.row.status)];
  put("sessions   %zu total: %d completed, %d failed, %d timeout, %d pending/running",
      r.data.sessions.size(), by_status[2], by_status[3], by_status[4], by_status[0] + by_status[1]);
  if (by_status[5] > 0) put(", %d dropped arrivals", by_status[5]);
  out += '\n';
  // Issue 23: rows the database refused (the sessions' counts include them) and page text stored
  // as U+FFFD (NULs, ill-formed UTF-8).
  long rejected = 0, short_sessions = 0, repairs = 0;
  for (const auto& s : r.data.sessions) {
    rejected += s.row.rows_rejected;
    short_sessions += s.row.rows_rejected > 0;
    repairs += s.row.text_repairs;
  }
  if (rejected > 0)
    put("rejected   %ld rows refused by the database in %ld sessions (kept in the writer's "
        "rejected-*.jsonl)\n", rejected, short_sessions);
  if (repairs > 0) put("text       %ld NULs / ill-formed UTF-8 sequences stored as U+FFFD\n", repairs);
  out += render_arrivals_table(r);
  out += render_health_table(r);
  if (const auto& a = r.data.analytics) {
    put("\nanalytics\n");
    put("  success rate            %s\n", opt(a->success_rate).c_str());
    put("  avg session duration    %s ms\n", opt(a->avg_session_duration_ms, "%.0f").c_str());
    put("  avg pages / session     %s\n", opt(a->avg_pages_per_session).c_str());
    put("  avg actions / session   %s\n", opt(a->avg_actions_per_session).c_str());
    put("  avg rhythm score        %s   (0 robotic .. 1 human-like)\n", opt(a->avg_rhythm_score).c_str());
    put("  behavioral variance     %s s^2\n", opt(a->behavioral_variance, "%.3f").c_str());
    put("  detection risk          %s   (0 undetectable .. 1 obvious bot)\n",
        opt(a->detection_risk_score).c_str());
    const auto& res = a->resources;
    auto mb = [](std::optional<int> v) { return v ? std::to_string(*v) + " MB" : std::string("-"); };
    put("  runtime                 %s ms\n",
        res.total_runtime_ms ? std::to_string(*res.total_runtime_ms).c_str() : "-");
    put("  cpu (browsers+footfall) %s of the machine   (machine busy: %s)\n",
        opt(res.avg_cpu_usage).c_str(), opt(res.machine_cpu_usage).c_str());
    put("  peak memory (PSS)       %s, footfall's own %s   (machine's used memory rose %s)\n",
        mb(res.peak_memory_mb).c_str(), mb(res.footfall_memory_mb).c_str(),
        mb(res.machine_memory_rise_mb).c_str());
  } else {
    put("\nanalytics  not computed yet (footfall analytics recompute %s)\n", c.id.str().c_str());
  }
  if (r.data.start_lag_samples > 0)
    put("\ntiming fidelity  actions started late against their plan by p50 %s ms, p95 %s ms "
        "(%lld actions)\n",
        opt(r.data.start_lag_p50_ms, "%.1f").c_str(), opt(r.data.start_lag_p95_ms, "%.1f").c_str(),
        static_cast<long long>(r.data.start_lag_samples));
  put("\naction mix\n");
  for (int t = 0; t < action_type_count; ++t)
    if (r.data.action_mix[t] > 0)
      put("  %-18s %10lld\n", std::string(to_string(static_cast<action_type>(t))).c_str(),
          static_cast<long long>(r.data.action_mix[t]));
  put("\n%-34s %7s %10s %10s %10s %8s %8s %10s\n", "url path", "visits", "p50 ms", "p95 ms",
      "max ms", "console", "failed", "saturated");
  for (const auto& p : r.paths) {
    const std::string path = p.path.size() > 34 ? p.path.substr(0, 31) + "..." : p.path;
    put("%-34s %7d %10s %10s %10s %8d %8d %10d\n", path.c_str(), p.visits,
        opt(p.load_p50_ms, "%.1f").c_str(), opt(p.load_p95_ms, "%.1f").c_str(),
        opt(p.load_max_ms, "%.1f").c_str(), p.console_errors, p.failed_requests,
        p.saturated_visits);
  }
  if (r.saturated_visits > 0)
    put("  %d page loads were measured while footfall itself was saturated (machine CPU or its\n"
        "  event loop late; see FOOTFALL_SATURATION_*): their times say more about the load\n"
        "  generator than the site, and compare leaves them out.\n",
        r.saturated_visits);
  int errors = 0;
  constexpr int shown = 20;  // a terminal summary; the JSON and HTML reports list them all
  for (const auto& s : r.data.sessions) {
    if (!s.row.error_message) continue;
    if (errors == 0) put("\nsession errors\n");
    if (++errors <= shown)
      put("  #%-5d %-9s %s\n", s.row.session_index, std::string(to_string(s.row.status)).c_str(),
          s.row.error_message->c_str());
  }
  if (errors > shown) put("  ... and %d more\n", errors - shown);
  return out;
}

nlohmann::json render_json(const campaign_report& r) {
  const auto& c = r.data.info;
  nlohmann::json j;
  j["generated_at"] = r.generated_at;
  j["campaign"] = {{"id", c.id.str()}, {"name", c.name}, {"target_url", c.target_url},
                   {"status", to_string(c.status)}, {"total_sessions", c.total_sessions}};
  if (const auto& a = r.data.analytics) {
    j["analytics"] = {{"total_sessions", a->total_sessions},
                      {"completed_sessions", a->completed_sessions},
                      {"failed_sessions", a->failed_sessions},
                      {"success_rate", a->success_rate},
                      {"avg_session_duration_ms", jopt(a->avg_session_duration_ms)},
                      {"avg_pages_per_session", jopt(a->avg_pages_per_session)},
                      {"avg_actions_per_session", jopt(a->avg_actions_per_session)},
                      {"avg_rhythm_score", jopt(a->avg_rhythm_score)},
                      {"behavioral_variance", jopt(a->behavioral_variance)},
                      {"detection_risk_score", jopt(a->detection_risk_score)},
                      {"total_runtime_ms", a->resources.total_runtime_ms
                                               ? nlohmann::json(*a->resources.total_runtime_ms)
                                               : nlohmann::json()},
                      {"avg_cpu_usage", jopt(a->resources.avg_cpu_usage)},
                      {"peak_memory_mb", a->resources.peak_memory_mb
                                             ? nlohmann::json(*a->resources.peak_memory_mb)
                                             : nlohmann::json()},
                      {"footfall_memory_mb", jint(a->resources.footfall_memory_mb)},
                      {"machine_memory_rise_mb", jint(a->resources.machine_memory_rise_mb)},
                      {"machine_cpu_usage", jopt(a->resources.machine_cpu_usage)}};
  } else {
    j["analytics"] = nullptr;
  }
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& s : r.data.sessions) {
    nlohmann::json o{{"id", s.row.id.str()},
                     {"index", s.row.session_index},
                     {"status", to_string(s.row.status)},
                     {"start_url", s.row.start_url},
                     {"user_agent", s.row.user_agent},
                     {"pages_visited", s.row.pages_visited},
                     {"total_actions", s.row.total_actions},
                     {"rows_rejected", s.row.rows_rejected},
                     {"text_repairs", s.row.text_repairs}};
    o["started_at"] = s.row.started_at ? nlohmann::json(iso_utc(epoch_ms(*s.row.started_at))) : nlohmann::json();
    o["duration_ms"] = s.row.session_duration_ms ? nlohmann::json(*s.row.session_duration_ms) : nlohmann::json();
    o["error_message"] = s.row.error_message ? nlohmann::json(*s.row.error_message) : nlohmann::json();
    o["analytics"] = s.analytics ? session_analytics_json(*s.analytics) : nlohmann::json();
    sessions.push_back(std::move(o));
  }
  j["sessions"] = sessions;
  nlohmann::json mix = nlohmann::json::object();
  for (int t = 0; t < action_type_count; ++t)
    mix[std::string(to_string(static_cast<action_type>(t)))] = r.data.action_mix[t];
  j["action_mix"] = mix;
  nlohmann::json paths = nlohmann::json::array();
  for (const auto& p : r.paths)
    paths.push_back({{"path", p.path}, {"visits", p.visits}, {"load_samples", p.load_samples},
                     {"load_p50_ms", jopt(p.load_p50_ms)}, {"load_p95_ms", jopt(p.load_p95_ms)},
                     {"load_max_ms", jopt(p.load_max_ms)}, {"avg_dwell_ms", jopt(p.avg_dwell_ms)},
                     {"console_errors", p.console_errors}, {"failed_requests", p.failed_requests},
                     {"saturated_visits", p.saturated_visits}});
  j["paths"] = paths;
  j["console_errors"] = r.console_errors;
  j["failed_requests"] = r.failed_requests;
  j["saturated_visits"] = r.saturated_visits;
  j["arrivals"] = render_arrivals_json(r);
  j["page_health"] = render_health_json(r);
  j["timing_fidelity"] = {{"start_lag_p50_ms", jopt(r.data.start_lag_p50_ms)},
                          {"start_lag_p95_ms", jopt(r.data.start_lag_p95_ms)},
                          {"actions", r.data.start_lag_samples}};
  return j;
}

namespace {

/// What a failed test case links to (issue 13): its trace's session page and its replay.
std::string debug_links(const campaign_report& r, const std::string& session_id) {
  const bool traced = std::find(r.traced_sessions.begin(), r.traced_sessions.end(), session_id) !=
                      r.traced_sessions.end();
  return (traced ? "trace: " + session_page_command(r.data.info.id.str(), session_id)
                 : std::string("trace: none stored")) +
         "\nreplay: " + replay_command(session_id);
}

}  // namespace

std::string render_junit(const campaign_report& r) {
  int failures = 0, skipped = 0;
  double total_s = 0;
  std::string cases;
  for (const auto& s : r.data.sessions) {
    const double secs = s.row.session_duration_ms.value_or(0) / 1000.0;
    total_s += secs;
    char head[128];
    std::snprintf(head, sizeof head, "\" time=\"%.3f\"", secs);
    cases += "    <testcase classname=\"" + xml_escape("footfall." + r.data.info.name) +
             "\" name=\"" + xml_escape("session " + std::to_string(s.row.session_index) + " " +
                                       s.row.id.str()) + head;
    const auto st = s.row.status;
    if (st == session_status::failed || st == session_status::timeout) {
      ++failures;
      const std::string msg = s.row.error_message.value_or(std::string(to_string(st)));
      const auto links = debug_links(r, s.row.id.str());
      cases += ">\n      <failure message=\"" + xml_escape(msg) + "\" type=\"" +
               std::string(to_string(st)) + "\">" + xml_escape(msg) + "\nstart_url: " +
               xml_escape(s.row.start_url) + "\n" + xml_escape(links) +
               "</failure>\n      <system-out>" + xml_escape(links) +
               "</system-out>\n    </testcase>\n";
    } else if (st == session_status::pending || st == session_status::running ||
               st == session_status::dropped) {
      ++skipped;
      cases += ">\n      <skipped message=\"session " + std::string(to_string(st)) +
               "\"/>\n    </testcase>\n";
    } else {
      cases += "/>\n";
    }
  }
  char attrs[256];
  std::snprintf(attrs, sizeof attrs, "tests=\"%zu\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%.3f\"",
                r.data.sessions.size(), failures, skipped, total_s);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites " + std::string(attrs) + ">\n";
  out += "  <testsuite name=\"" + xml_escape(r.data.info.name) + "\" id=\"" +
         r.data.info.id.str() + "\" " + attrs + " timestamp=\"" + r.generated_at + "\">\n";
  out += cases;
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace footfall::analytics
