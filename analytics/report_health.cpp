#include "analytics/report_health.hpp"

#include <cstdio>
#include <map>

#include "analytics/report.hpp"
#include "analytics/stats.hpp"

namespace footfall::analytics {
namespace {
using nlohmann::json;

struct collected {
  std::vector<double> lcp, inp, cls, fcp, ttfb;
  void add(const storage::visit_vitals& v) {
    if (v.lcp_ms) lcp.push_back(*v.lcp_ms);
    if (v.inp_ms) inp.push_back(*v.inp_ms);
    if (v.cls) cls.push_back(*v.cls);
    if (v.fcp_ms) fcp.push_back(*v.fcp_ms);
    if (v.ttfb_ms) ttfb.push_back(*v.ttfb_ms);
  }
  static vital_p75 p75(const std::vector<double>& xs) {
    return {quantile(xs, 0.75), static_cast<int>(xs.size())};
  }
  path_vitals result(std::string path) const {
    return {std::move(path), p75(lcp), p75(inp), p75(cls), p75(fcp), p75(ttfb)};
  }
};

// The vitals in the bands' order, with their p75.
std::vector<std::pair<const char*, const vital_p75*>> each(const path_vitals& p) {
  return {{"lcp", &p.lcp}, {"inp", &p.inp}, {"cls", &p.cls}, {"fcp", &p.fcp}, {"ttfb", &p.ttfb}};
}

std::string shown(const char* metric, const vital_p75& v) {
  if (!v.p75) return "-";
  char b[48];
  if (std::string(metric) == "cls")
    std::snprintf(b, sizeof b, "%.3f %s", *v.p75, judge_vital(metric, *v.p75));
  else
    std::snprintf(b, sizeof b, "%.0f %s", *v.p75, judge_vital(metric, *v.p75));
  std::string s = b;
  if (s.find("needs improvement") != std::string::npos) s.replace(s.find("needs improvement"), 17, "ni");
  return s;
}

json vital_json(const char* metric, const vital_p75& v) {
  if (!v.p75) return {{"p75", nullptr}, {"samples", v.samples}};
  return {{"p75", *v.p75}, {"samples", v.samples}, {"band", judge_vital(metric, *v.p75)}};
}

json path_json(const path_vitals& p) {
  json j{{"path", p.path}};
  for (auto [m, v] : each(p)) j[m] = vital_json(m, *v);
  return j;
}

json summaries_json(const std::vector<storage::request_url_summary>& xs) {
  json out = json::array();
  for (const auto& s : xs)
    out.push_back({{"url", s.url}, {"requests", s.requests}, {"failed", s.failed},
                   {"errors", s.errors}, {"outcomes", s.statuses}, {"p50_ms", s.p50_ms},
                   {"p95_ms", s.p95_ms}, {"max_ms", s.max_ms}});
  return out;
}

}  // namespace

const char* judge_vital(const std::string& metric, double p75) {
  for (const auto& b : vital_bands)
    if (metric == b.metric)
      return p75 <= b.good_max ? "good" : p75 > b.poor_min ? "poor" : "needs improvement";
  return "unknown";
}

page_health_section build_page_health(const std::vector<storage::visit_vitals>& visits,
                                      std::vector<storage::request_url_summary> failed,
                                      std::vector<storage::request_url_summary> slowest) {
  page_health_section s;
  collected all;
  std::map<std::string, collected> by_path;
  for (const auto& v : visits) {
    all.add(v);
    by_path[v.url_path].add(v);
  }
  s.campaign = all.result("");
  for (const auto& [path, c] : by_path) s.paths.push_back(c.result(path));
  s.recorded = !visits.empty() || !failed.empty() || !slowest.empty();
  s.failed = std::move(failed);
  s.slowest = std::move(slowest);
  return s;
}

std::string render_health_table(const campaign_report& r) {
  const auto& h = r.health;
  if (!h.recorded) return "";
  std::string out = "\npage health (p75 per path; good / ni = needs improvement / poor)\n";
  char b[512];
  std::snprintf(b, sizeof b, "  %-28s %16s %16s %14s %16s %16s\n", "path", "LCP ms", "INP ms", "CLS",
                "FCP ms", "TTFB ms");
  out += b;
  auto row = [&](const path_vitals& p) {
    std::snprintf(b, sizeof b, "  %-28s %16s %16s %14s %16s %16s\n",
                  (p.path.empty() ? std::string("(campaign)") : p.path.substr(0, 28)).c_str(),
                  shown("lcp", p.lcp).c_str(), shown("inp", p.inp).c_str(),
                  shown("cls", p.cls).c_str(), shown("fcp", p.fcp).c_str(),
                  shown("ttfb", p.ttfb).c_str());
    out += b;
  };
  for (const auto& p : h.paths) row(p);
  row(h.campaign);
  auto list = [&](const char* title, const std::vector<storage::request_url_summary>& xs) {
    if (xs.empty()) return;
    out += std::string("  ") + title + "\n";
    for (const auto& s : xs) {
      std::snprintf(b, sizeof b, "    %6lld of %-6lld p95 %7.0f ms  %s  [%s]\n",
                    static_cast<long long>(s.errors ? s.errors : s.requests),
                    static_cast<long long>(s.requests), s.p95_ms, s.url.substr(0, 90).c_str(),
                    s.statuses.substr(0, 80).c_str());
      out += b;
    }
  };
  list("failed requests (errors of requests, by URL)", h.failed);
  list("slowest requests (by p95 duration)", h.slowest);
  return out;
}

json render_health_json(const campaign_report& r) {
  const auto& h = r.health;
  if (!h.recorded) return nullptr;
  json paths = json::array();
  for (const auto& p : h.paths) paths.push_back(path_json(p));
  json bands = json::object();
  for (const auto& b : vital_bands) bands[b.metric] = {{"good_max", b.good_max}, {"poor_min", b.poor_min}};
  return {{"campaign", path_json(h.campaign)}, {"paths", paths}, {"bands", bands},
          {"failed_requests", summaries_json(h.failed)},
          {"slowest_requests", summaries_json(h.slowest)}};
}

std::string render_health_html(const campaign_report& r) {
  const auto& h = r.health;
  if (!h.recorded) return "";
  std::string s =
      "<section class=\"card wide\" id=\"page-health\"><h2>Page health: Core Web Vitals at "
      "p75</h2><table><thead><tr><th>path</th><th>LCP ms</th><th>INP ms</th><th>CLS</th>"
      "<th>FCP ms</th><th>TTFB ms</th></tr></thead><tbody>";
  auto row = [&](const path_vitals& p) {
    s += "<tr><td>" + xml_escape(p.path.empty() ? "(campaign)" : p.path) + "</td>";
    for (auto [m, v] : each(p)) {
      const std::string band = v->p75 ? judge_vital(m, *v->p75) : "";
      s += "<td class=\"band-" + (band.empty() ? std::string("none") : band.substr(0, band.find(' '))) +
           "\" title=\"" + std::to_string(v->samples) + " samples\">" + xml_escape(shown(m, *v)) +
           "</td>";
    }
    s += "</tr>";
  };
  for (const auto& p : h.paths) row(p);
  row(h.campaign);
  s += "</tbody></table><p class=\"note\">Bands (Google, at p75): LCP 2.5 / 4 s, INP 200 / 500 "
       "ms, CLS 0.1 / 0.25, FCP 1.8 / 3 s, TTFB 0.8 / 1.8 s; ni = needs improvement. LCP stops at "
       "the visitor's first input, scrolling included.</p>";
  auto list = [&](const char* title, const std::vector<storage::request_url_summary>& xs) {
    s += std::string("<h3>") + title + "</h3><table><thead><tr><th>URL</th><th>requests</th>"
         "<th>errors</th><th>outcomes</th><th>p50 ms</th><th>p95 ms</th></tr></thead><tbody>";
    for (const auto& x : xs) {
      char b[64];
      std::snprintf(b, sizeof b, "</td><td>%.0f</td><td>%.0f</td></tr>", x.p50_ms, x.p95_ms);
      s += "<tr><td>" + xml_escape(x.url) + "</td><td>" + std::to_string(x.requests) +
           "</td><td>" + std::to_string(x.errors) + "</td><td>" + xml_escape(x.statuses) + b;
    }
    s += "</tbody></table>";
  };
  list("Failed requests by URL", h.failed);
  list("Slowest requests by URL (p95)", h.slowest);
  s += "</section>\n";
  return s;
}

}  // namespace footfall::analytics
