#include "analytics/session_waterfall.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "analytics/report.hpp"

namespace footfall::analytics {
namespace {

double ms_between(storage::time_point a, storage::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string pct(double x) {
  char b[24];
  std::snprintf(b, sizeof b, "%.3f%%", std::clamp(x, 0.0, 100.0));
  return b;
}

// One request's bar: its phases, each as wide as its share of the axis.
std::string bar(const storage::request_row& r, double start_ms, double axis_ms) {
  std::string h = "<div class=\"wf-bar\" style=\"margin-left:" + pct(start_ms / axis_ms * 100) +
                  ";width:" + pct(std::max(r.duration_ms, 0.5) / axis_ms * 100) + "\">";
  const std::pair<const char*, std::optional<double>> phases[] = {
      {"blocked", r.blocked_ms}, {"dns", r.dns_ms},   {"connect", r.connect_ms},
      {"send", r.send_ms},       {"wait", r.wait_ms}, {"receive", r.receive_ms}};
  double known = 0;
  for (const auto& [n, v] : phases) known += v.value_or(0);
  if (known <= 0) return h + "<span class=\"wf-all\" style=\"width:100%\"></span></div>";
  for (const auto& [n, v] : phases)
    if (v && *v > 0)
      h += std::string("<span class=\"wf-") + n + "\" style=\"width:" + pct(*v / known * 100) +
           "\" title=\"" + n + "\"></span>";
  return h + "</div>";
}

}  // namespace

std::string render_waterfall_html(const std::vector<storage::page_visit_row>& visits,
                                  const std::vector<storage::request_row>& requests) {
  std::map<std::string, std::vector<const storage::request_row*>> by_visit;
  for (const auto& r : requests) by_visit[r.page_visit_id.str()].push_back(&r);
  if (by_visit.empty()) return "";
  std::string h =
      "<style>.wf{width:100%;border-collapse:collapse;font-size:12px}.wf td{padding:1px 4px;"
      "white-space:nowrap}.wf td.u{max-width:420px;overflow:hidden;text-overflow:ellipsis}"
      ".wf td.t{width:50%}.wf-bar{display:flex;height:10px;min-width:2px}.wf-bar span{height:100%}"
      ".wf-blocked{background:#bbb}.wf-dns{background:#2a9d8f}.wf-connect{background:#e9a03b}"
      ".wf-send{background:#6a4c93}.wf-wait{background:#4c8bf5}.wf-receive{background:#1a8f4a}"
      ".wf-all{background:#999}.wf-err{color:#d0342c;font-weight:600}</style>\n"
      "<h2>Requests</h2>\n<p>Per visit, each request from its start to its end (grey blocked, teal "
      "DNS, amber connect, purple send, blue waiting for the server, green receiving).</p>\n";
  for (const auto& v : visits) {
    const auto it = by_visit.find(v.id.str());
    if (it == by_visit.end()) continue;
    const auto& rs = it->second;
    const auto t0 = std::min_element(rs.begin(), rs.end(), [](auto* a, auto* b) {
                      return a->started_at < b->started_at;
                    });
    const auto origin = std::min(v.arrived_at, (*t0)->started_at);
    double axis = 1;
    for (const auto* r : rs) axis = std::max(axis, ms_between(origin, r->started_at) + r->duration_ms);
    char head[96];
    std::snprintf(head, sizeof head, " &middot; %zu requests over %.0f ms", rs.size(), axis);
    h += "<section><h3>Visit " + std::to_string(v.visit_order) + ": " + xml_escape(v.url) + head +
         "</h3><table class=\"wf\"><tbody>";
    for (const auto* r : rs) {
      const bool bad = r->failed || (r->status && *r->status >= 400);
      const std::string outcome =
          r->status ? std::to_string(*r->status) : r->error_text.value_or("no response");
      char dur[32];
      std::snprintf(dur, sizeof dur, "%.0f ms", r->duration_ms);
      h += "<tr><td" + std::string(bad ? " class=\"wf-err\"" : "") + ">" + xml_escape(outcome) +
           (r->canceled ? " (canceled)" : "") + "</td><td>" + xml_escape(r->method) + "</td><td>" +
           xml_escape(r->resource_type) + "</td><td class=\"u\" title=\"" + xml_escape(r->url) +
           "\">" + xml_escape(r->url) + "</td><td>" + dur + "</td><td class=\"t\">" +
           bar(*r, ms_between(origin, r->started_at), axis) + "</td></tr>";
    }
    h += "</tbody></table></section>\n";
  }
  return h;
}

}  // namespace footfall::analytics
