// compare's HTML page and JUnit XML: where people look (issue 22). Pure: comparison in, text out.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analytics/compare.hpp"
#include "analytics/compare_format.hpp"

namespace footfall::analytics {
namespace {

using verdict = diff_row::verdict;

using namespace detail;  // compare_format.hpp

/// The row's interval drawn on its own axis: zero, the limit (dashed), the interval (a bar that
/// runs off the edge when an end is infinite) and the estimate. Inline SVG: no script needed.
std::string interval_svg(const diff_row& r) {
  if (!r.ci || !r.change) return "";
  const double w = 260, h = 18;
  std::vector<double> ends{0, *r.change};
  if (r.limit_at) ends.push_back(*r.limit_at);
  for (double e : {r.ci->lo, r.ci->hi})
    if (std::isfinite(e)) ends.push_back(e);
  double lo = *std::min_element(ends.begin(), ends.end());
  double hi = *std::max_element(ends.begin(), ends.end());
  const double pad = std::max((hi - lo) * 0.08, 1e-9);
  lo -= pad;
  hi += pad;
  auto x = [&](double v) {
    if (!std::isfinite(v)) return v > 0 ? w : 0.0;
    return (v - lo) / (hi - lo) * w;
  };
  const char* colour = r.status == verdict::regressed  ? "#c62828"
                       : r.status == verdict::improved ? "#2e7d32"
                                                       : "#1565c0";
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "<svg width=\"%.0f\" height=\"%.0f\" role=\"img\"><line x1=\"%.1f\" x2=\"%.1f\" "
                "y1=\"0\" y2=\"%.0f\" stroke=\"#999\"/>",
                w, h, x(0), x(0), h);
  std::string s = buf;
  if (r.limit_at) {
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%.0f\" stroke=\"#c62828\" "
                  "stroke-dasharray=\"3,2\"><title>limit %s</title></line>",
                  x(*r.limit_at), x(*r.limit_at), h,
                  format_number(r.limit_at, row_decimals(r), true).c_str());
    s += buf;
  }
  std::snprintf(buf, sizeof buf,
                "<rect x=\"%.1f\" y=\"6\" width=\"%.1f\" height=\"6\" fill=\"%s\" "
                "opacity=\"0.45\"/><circle cx=\"%.1f\" cy=\"9\" r=\"3.5\" fill=\"%s\"/></svg>",
                x(r.ci->lo), std::max(1.0, x(r.ci->hi) - x(r.ci->lo)), colour, x(*r.change),
                colour);
  return s + buf;
}

std::string row_html(const diff_row& r) {
  const int d = row_decimals(r);
  const std::string ci = format_interval(r.ci, d);
  return "<tr class=\"" + std::string(r.status == verdict::regressed ? "bad" : "") + "\"><td>" +
         xml_escape(r.metric) + "</td><td>" + xml_escape(r.scope) + "</td><td>" +
         std::to_string(r.n_baseline) + "/" + std::to_string(r.n_candidate) + "</td><td>" +
         format_number(r.baseline, d) + "</td><td>" + format_number(r.candidate, d) + "</td><td>" +
         format_number(r.change, d, true) + "</td><td>" + ci + "</td><td>" + interval_svg(r) +
         "</td><td>" + xml_escape(r.limit) + "</td><td>" + to_string(r.status) + "</td><td>" +
         xml_escape(r.note) + "</td></tr>\n";
}

}  // namespace

std::string render_comparison_html(const comparison& c) {
  const char* colour = c.result == outcome::regressed      ? "#c62828"
                       : c.result == outcome::inconclusive ? "#ef6c00"
                                                           : "#2e7d32";
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>footfall compare: " +
      xml_escape(c.baseline.name) + " vs " + xml_escape(c.candidate.name) +
      "</title><style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
      "table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;"
      "text-align:left;vertical-align:middle}tr.bad td{background:#fdecea}"
      ".verdict{font-size:22px;font-weight:600;padding:10px 14px;color:#fff;display:inline-block}"
      ".warn{color:#b26a00}</style></head><body>\n";
  h += "<h1>footfall compare</h1><p>baseline: <b>" + xml_escape(c.baseline.name) + "</b> (" +
       xml_escape(c.baseline.id) + ", " + xml_escape(c.baseline.target_url) +
       ")<br>candidate: <b>" + xml_escape(c.candidate.name) + "</b> (" +
       xml_escape(c.candidate.id) + ", " + xml_escape(c.candidate.target_url) + ")</p>\n";
  h += "<div class=\"verdict\" id=\"verdict\" style=\"background:" + std::string(colour) + "\">" +
       to_string(c.result) + "</div>\n";
  if (!c.reason.empty()) h += "<p id=\"reason\">" + xml_escape(c.reason) + "</p>\n";
  for (const auto& w : c.warnings) h += "<p class=\"warn\">warning: " + xml_escape(w) + "</p>\n";
  const std::string head =
      "<tr><th>metric</th><th>scope</th><th>n b/c</th><th>baseline</th><th>candidate</th>"
      "<th>change</th><th>interval</th><th>interval (zero grey, limit dashed red)</th>"
      "<th>limit</th><th>status</th><th>note</th></tr>\n";
  h += "<h2>Campaign-wide load</h2><table id=\"campaign\">" + head;
  for (const auto& r : c.rows)
    if (r.metric == all_paths_metric) h += row_html(r);
  h += "</table>\n";
  if (!c.moved.empty()) {
    h += "<p>paths that moved past the limit:</p><ul>";
    for (const auto& m : c.moved) h += "<li>" + xml_escape(m) + "</li>";
    h += "</ul>\n";
  }
  if (!c.new_failures.empty()) {
    h += "<h2>Newly failing URLs</h2><p>They fail in the candidate and never failed in the "
         "baseline: each fails the verdict, unless it failed only on pages the baseline never "
         "visited (named, not judged).</p><table id=\"new-failures\"><tr><th>host + path"
         "</th><th>outcomes</th><th>candidate visits</th><th>baseline requests</th><th>e.g."
         "</th><th>judged</th></tr>\n";
    for (const auto& f : c.new_failures) {
      std::string pages;
      for (const auto& p : f.pages) pages += (pages.empty() ? "" : ", ") + p;
      h += "<tr class=\"" + std::string(f.on_baseline_pages ? "bad" : "") + "\"><td>" +
           xml_escape(f.endpoint) + "</td><td>" + xml_escape(f.statuses) + "</td><td>" +
           std::to_string(f.candidate_visits) + "</td><td>" + std::to_string(f.baseline_requests) +
           "</td><td>" + xml_escape(f.example_url) + "</td><td>" +
           (f.on_baseline_pages ? "REGRESSED"
                                : "no: only on pages the baseline never visited (" +
                                      xml_escape(pages) + ")") +
           "</td></tr>\n";
    }
    h += "</table>\n";
  }
  h += "<h2>Every row</h2><table id=\"rows\">" + head;
  for (const auto& r : c.rows)
    if (r.metric != all_paths_metric) h += row_html(r);
  h += "</table>\n<h2>Left out, and why</h2><ul id=\"left-out\">";
  const auto& s = c.saturation;
  h += "<li>" + std::to_string(s.baseline_flagged) + " of " + std::to_string(s.baseline_loads) +
       " baseline and " + std::to_string(s.candidate_flagged) + " of " +
       std::to_string(s.candidate_loads) +
       " candidate loads were measured while the load generator was saturated; " +
       std::to_string(s.compared_alike) +
       " were compared with saturated visits of the same path in the campaign-wide row, " +
       std::to_string(s.left_out) +
       " had no such counterpart and were left out. Per-path p50 rows compare them the same "
       "way; p95 rows leave them out.</li>";
  for (const auto& r : c.rows)
    if (r.status == verdict::inconclusive || r.status == verdict::info)
      h += "<li>" + xml_escape(r.metric + " " + r.scope) + ": " +
           xml_escape(r.note.empty() ? to_string(r.status) : r.note) + "</li>";
  h += "</ul>\n<p>" + std::to_string(c.family) + " rows judged together at " +
       format_number(100 * c.limits.confidence, 3) +
       "% confidence (the campaign-wide row at half the family's error rate, the per-path load "
       "rows sharing a quarter, the rest the other quarter; rows with no spread on either side "
       "judged outside it). See analytics/README.md.</p></body></html>\n";
  return h;
}

std::string render_comparison_junit(const comparison& c) {
  int tests = 1, failures = c.result == outcome::regressed ? 1 : 0, skipped = 0;
  std::string cases;
  for (const auto& r : c.rows) {
    if (r.status == verdict::info) continue;
    ++tests;
    const int d = row_decimals(r);
    const std::string what = r.metric + " " + r.scope + ": change " +
                             format_number(r.change, d, true) +
                             (r.ci ? " " + format_interval(r.ci, d) : "") +
                             ", limit " + r.limit + (r.note.empty() ? "" : "; " + r.note);
    cases += "  <testcase classname=\"compare." + xml_escape(r.metric) + "\" name=\"" +
             xml_escape(r.scope) + "\">";
    if (r.status == verdict::regressed) {
      ++failures;
      cases += "<failure message=\"" + xml_escape(what) + "\"/>";
    } else if (r.status == verdict::inconclusive) {
      ++skipped;
      cases += "<skipped message=\"" + xml_escape(what) + "\"/>";
    } else {
      cases += "<system-out>" + xml_escape(what) + "</system-out>";
    }
    cases += "</testcase>\n";
  }
  // The outcome itself: inconclusive is a skip (the CLI's --inconclusive maps the exit code).
  std::string verdict_case = "  <testcase classname=\"compare\" name=\"verdict\">";
  if (c.result == outcome::regressed)
    verdict_case += "<failure message=\"REGRESSED\"/>";
  else if (c.result == outcome::inconclusive) {
    ++skipped;
    verdict_case += "<skipped message=\"" + xml_escape("INCONCLUSIVE: " + c.reason) + "\"/>";
  }
  verdict_case += "</testcase>\n";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"footfall compare " +
         xml_escape(c.baseline.name + " vs " + c.candidate.name) + "\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" skipped=\"" +
         std::to_string(skipped) + "\">\n" + verdict_case + cases + "</testsuite>\n";
}

}  // namespace footfall::analytics
