// compare's inputs and outputs: summaries from reports, thresholds from JSON, the table and JSON.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "analytics/compare.hpp"
#include "analytics/compare_format.hpp"
#include "analytics/json_values.hpp"

namespace footfall::analytics {
namespace {

using verdict = diff_row::verdict;

using namespace detail;  // compare_format.hpp

/// A field of thresholds: its name and where it lives, with its allowed range.
struct field {
  const char* name;
  double* real = nullptr;
  int* integer = nullptr;
  std::uint64_t* count = nullptr;
  double lo = 0, hi = INFINITY;  ///< real: lo ≤ v ≤ hi (confidence and power: open interval)
  bool open = false;
};

std::vector<field> fields(thresholds& t) {
  return {{"confidence", &t.confidence, nullptr, nullptr, 0.5, 1, true},
          {"power", &t.power, nullptr, nullptr, 0.5, 1, true},
          {"min_samples", nullptr, &t.min_samples, nullptr, 2, 1e6},
          {"min_samples_p95", nullptr, &t.min_samples_p95, nullptr, 2, 1e6},
          {"bootstrap_resamples", nullptr, &t.bootstrap_resamples, nullptr, 100, 1e6},
          {"seed", nullptr, nullptr, &t.seed},
          {"success_rate_drop", &t.success_rate_drop},
          {"load_p50_increase_pct", &t.load_p50_increase_pct},
          {"load_p50_increase_ms", &t.load_p50_increase_ms},
          {"load_p95_increase_pct", &t.load_p95_increase_pct},
          {"load_p95_increase_ms", &t.load_p95_increase_ms},
          {"console_errors_per_page_increase", &t.console_errors_per_page_increase},
          {"failed_requests_per_page_increase", &t.failed_requests_per_page_increase},
          {"rhythm_drop", &t.rhythm_drop},
          {"detection_risk_increase", &t.detection_risk_increase},
          // Core Web Vitals (issue 21): Google's bands span 1.5 s (LCP), 300 ms (INP), 0.15
          // (CLS) between good and poor; a limit beyond that span would never be needed.
          {"lcp_p75_increase_pct", &t.lcp_p75_increase_pct, nullptr, nullptr, 0, 1000},
          {"lcp_p75_increase_ms", &t.lcp_p75_increase_ms, nullptr, nullptr, 0, 60000},
          {"inp_p75_increase_pct", &t.inp_p75_increase_pct, nullptr, nullptr, 0, 1000},
          {"inp_p75_increase_ms", &t.inp_p75_increase_ms, nullptr, nullptr, 0, 60000},
          {"cls_p75_increase", &t.cls_p75_increase, nullptr, nullptr, 0, 10},
          {"new_failed_url_min_visits", nullptr, &t.new_failed_url_min_visits, nullptr, 0, 1e6}};
}

/// require_vitals: an array of "lcp", "inp", "cls", each at most once.
std::vector<std::string> read_require_vitals(const nlohmann::json& value) {
  auto bad = [](const std::string& rule) {
    throw std::invalid_argument("thresholds: field 'require_vitals' must be " + rule);
  };
  if (!value.is_array()) bad("an array of \"lcp\", \"inp\", \"cls\"");
  std::vector<std::string> out;
  for (const auto& v : value) {
    if (!v.is_string()) bad("an array of strings (\"lcp\", \"inp\", \"cls\")");
    const auto name = v.get<std::string>();
    if (name != "lcp" && name != "inp" && name != "cls")
      bad("one of \"lcp\", \"inp\", \"cls\" (not \"" + name + "\")");
    if (std::find(out.begin(), out.end(), name) != out.end())
      bad("without repeats (\"" + name + "\" twice)");
    out.push_back(name);
  }
  return out;
}

void set_field(const field& f, const std::string& key, const nlohmann::json& value) {
  auto bad = [&](const std::string& rule) {
    throw std::invalid_argument("thresholds: field '" + key + "' must be " + rule);
  };
  if (!value.is_number()) bad("a number");
  const double v = value.get<double>();
  if (!std::isfinite(v)) bad("finite");
  if (f.real) {
    const bool in = f.open ? (v > f.lo && v < f.hi) : (v >= f.lo && v <= f.hi);
    if (!in) {
      char rule[96];
      if (f.open)
        std::snprintf(rule, sizeof rule, "> %g and < %g", f.lo, f.hi);
      else if (std::isinf(f.hi))
        std::snprintf(rule, sizeof rule, ">= %g", f.lo);
      else
        std::snprintf(rule, sizeof rule, "from %g to %g", f.lo, f.hi);
      bad(rule);
    }
    *f.real = v;
    return;
  }
  if (!value.is_number_integer() || v < 0) bad("a non-negative integer");
  if (f.integer) {
    if (v < f.lo || v > f.hi)
      bad("an integer from " + format_number(f.lo, 0) + " to " + format_number(f.hi, 0));
    *f.integer = static_cast<int>(v);
  } else {
    *f.count = value.get<std::uint64_t>();
  }
}

}  // namespace

std::string to_string(verdict v) {
  switch (v) {
    case verdict::ok: return "ok";
    case verdict::regressed: return "REGRESSED";
    case verdict::improved: return "improved";
    case verdict::inconclusive: return "inconclusive";
    case verdict::info: return "info";
  }
  return "?";
}

std::string to_string(outcome o) {
  switch (o) {
    case outcome::pass: return "PASS";
    case outcome::regressed: return "REGRESSED";
    case outcome::inconclusive: return "INCONCLUSIVE";
  }
  return "?";
}

campaign_summary summarize(const campaign_report& r) {
  campaign_summary s;
  s.id = r.data.info.id.str();
  s.name = r.data.info.name;
  s.target_url = r.data.info.target_url;
  s.concurrent_sessions = r.data.info.concurrent_sessions;
  s.status = std::string(storage::to_string(r.data.info.status));
  std::map<storage::uuid, std::size_t> index;
  for (const auto& f : r.data.sessions) {
    session_sample x;
    x.completed = f.row.status == storage::session_status::completed;
    if (f.analytics) {
      x.rhythm_score = f.analytics->rhythm_score;
      x.detection_risk = f.analytics->detection_risk_score;
    }
    index[f.row.id] = s.sessions.size();
    s.sessions.push_back(x);
  }
  for (const auto& v : r.data.visits) {
    if (auto it = index.find(v.session_id); it != index.end()) {
      auto& x = s.sessions[it->second];
      ++x.pages;
      x.console_errors += v.visit.console_errors;
      x.failed_requests += v.visit.failed_requests;
    }
    if (!v.visit.load_ms) continue;
    const auto path = url_path(v.visit.url);
    if (v.visit.saturated) {
      ++s.saturated_visits[path];
      s.saturated_load_ms[path].push_back(*v.visit.load_ms);
    } else
      s.load_ms[path].push_back(*v.visit.load_ms);
  }
  return s;
}

thresholds thresholds::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("thresholds: expected a JSON object");
  thresholds t;
  const auto fs = fields(t);
  for (const auto& [key, value] : j.items()) {
    if (key == "require_vitals") {
      t.require_vitals = read_require_vitals(value);
      continue;
    }
    const field* f = nullptr;
    for (const auto& x : fs)
      if (key == x.name) f = &x;
    if (!f) throw std::invalid_argument("thresholds: unknown field '" + key + "'");
    set_field(*f, key, value);
  }
  return t;
}

nlohmann::json thresholds::to_json() const {
  thresholds copy = *this;
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : fields(copy)) {
    if (f.real) j[f.name] = *f.real;
    else if (f.integer) j[f.name] = *f.integer;
    else j[f.name] = *f.count;
  }
  j["require_vitals"] = require_vitals;
  return j;
}

std::string render_comparison(const comparison& c) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "baseline:  %s (%s)\ncandidate: %s (%s)\n\n",
                c.baseline.name.c_str(), c.baseline.id.c_str(), c.candidate.name.c_str(),
                c.candidate.id.c_str());
  out += line;
  std::snprintf(line, sizeof line, "%-24s %-20s %9s %10s %10s %10s  %-23s %10s  %-16s %s\n",
                "metric", "scope", "n b/c", "baseline", "candidate", "change", "interval",
                "detectable", "limit", "status");
  out += line;
  out += std::string(150, '-') + "\n";
  int regressions = 0, inconclusive = 0;
  std::vector<std::string> notes;
  for (const auto& r : c.rows) {
    const int d = row_decimals(r);
    const std::string n = std::to_string(r.n_baseline) + "/" + std::to_string(r.n_candidate);
    const std::string scope = r.scope.size() > 20 ? r.scope.substr(0, 17) + "..." : r.scope;
    const std::string ci = format_interval(r.ci, d);
    std::snprintf(line, sizeof line, "%-24s %-20s %9s %10s %10s %10s  %-23s %10s  %-16s %s\n",
                  r.metric.c_str(), scope.c_str(), n.c_str(), format_number(r.baseline, d).c_str(),
                  format_number(r.candidate, d).c_str(), format_number(r.change, d, true).c_str(),
                  ci.c_str(), format_number(r.detectable, d).c_str(), r.limit.c_str(),
                  to_string(r.status).c_str());
    out += line;
    if (r.status == verdict::regressed) ++regressions;
    if (r.status == verdict::inconclusive) ++inconclusive;
    if (!r.note.empty()) notes.push_back(r.metric + " " + r.scope + ": " + r.note);
  }
  if (c.family == 0)
    std::snprintf(line, sizeof line,
                  "\nno metric had samples enough to be judged at %.3g%% confidence: the "
                  "campaigns are too small for a verdict.\n",
                  100 * c.limits.confidence);
  else
    std::snprintf(line, sizeof line,
                  "\n%d metrics judged together at %.3g%% confidence (weighted Bonferroni),\n"
                  "  one-sided levels: all paths %.3g; %d per-path load rows %.3g each; %d other "
                  "rows %.3g each.\n  Each interval is two-sided at 1 - 2*level; detectable: the "
                  "smallest\n  worsening these samples call a regression with %.0f%% power.\n",
                  c.family, 100 * c.limits.confidence, c.shares.overall, c.shares.n_loads,
                  c.shares.n_loads ? c.shares.loads / c.shares.n_loads : 0, c.shares.n_others,
                  c.shares.n_others ? c.shares.others / c.shares.n_others : 0,
                  100 * c.limits.power);
  out += line;
  if (c.shares.n_outside)
    out += "  " + std::to_string(c.shares.n_outside) +
           " rows with no spread on either side (e.g. no errors in any session) were judged\n"
           "  outside the family: they cannot differ, so they take none of its error rate.\n";
  for (const auto& n : notes) out += "  note: " + n + "\n";
  if (!notes.empty() && std::any_of(c.rows.begin(), c.rows.end(), [](const diff_row& r) {
        return r.note.find("saturated") != std::string::npos;
      }))
    out += "  compare never calls a load regression from visits measured while the load "
           "generator was saturated: its own lateness, not the site's.\n";
  if (c.saturation.baseline_flagged || c.saturation.candidate_flagged)
    out += "  saturation: " + std::to_string(c.saturation.baseline_flagged) + "/" +
           std::to_string(c.saturation.baseline_loads) + " baseline and " +
           std::to_string(c.saturation.candidate_flagged) + "/" +
           std::to_string(c.saturation.candidate_loads) +
           " candidate loads measured while the load generator was saturated\n";
  if (!c.moved.empty()) {
    out += "  paths that moved past the limit:";
    for (const auto& m : c.moved) out += "\n    " + m;
    out += "\n";
  }
  if (!c.new_failures.empty()) {
    out += "  newly failing URLs (fail in the candidate, never in the baseline):";
    for (const auto& f : c.new_failures)
      out += "\n    " + f.endpoint + "  " + f.statuses + " in " +
             std::to_string(f.candidate_visits) + " visits, e.g. " + f.example_url +
             (f.baseline_requests ? "" : " (the baseline never requested it)") +
             (f.on_baseline_pages ? "" : " [not judged: only on pages the baseline never visited]");
    out += "\n";
  }
  for (const auto& w : c.warnings) out += "warning: " + w + "\n";
  out += "\nverdict: ";
  switch (c.result) {
    case outcome::regressed:
      out += "REGRESSION (" + std::to_string(regressions) + " regressed)";
      break;
    case outcome::inconclusive: out += "INCONCLUSIVE (" + c.reason + ")"; break;
    case outcome::pass: out += "PASS"; break;
  }
  if (inconclusive) out += " (" + std::to_string(inconclusive) + " rows inconclusive)";
  out += "\n";
  return out;
}

nlohmann::json comparison_json(const comparison& c) {
  nlohmann::json new_failures = nlohmann::json::array();
  for (const auto& f : c.new_failures)
    new_failures.push_back({{"endpoint", f.endpoint},
                            {"example_url", f.example_url},
                            {"statuses", f.statuses},
                            {"candidate_visits", f.candidate_visits},
                            {"candidate_errors", f.candidate_errors},
                            {"candidate_requests", f.candidate_requests},
                            {"baseline_requests", f.baseline_requests},
                            {"judged", f.on_baseline_pages},
                            {"pages", f.pages}});
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows) {
    nlohmann::json j{{"metric", r.metric},         {"scope", r.scope},
                     {"n_baseline", r.n_baseline}, {"n_candidate", r.n_candidate},
                     {"baseline", jopt(r.baseline)}, {"candidate", jopt(r.candidate)},
                     {"change", jopt(r.change)},   {"detectable", jopt(r.detectable)},
                     {"limit", r.limit},           {"status", to_string(r.status)},
                     {"note", r.note}};
    j["interval"] = r.ci ? nlohmann::json{{"low", jopt(r.ci->lo)}, {"high", jopt(r.ci->hi)},
                                          {"confidence", r.row_confidence}}
                         : nlohmann::json();
    rows.push_back(std::move(j));
  }
  return {{"baseline", {{"id", c.baseline.id}, {"name", c.baseline.name}}},
          {"candidate", {{"id", c.candidate.id}, {"name", c.candidate.name}}},
          {"thresholds", c.limits.to_json()},
          {"family", c.family},
          {"alpha_shares", {{"all_paths", c.shares.overall}, {"path_loads", c.shares.loads},
                            {"path_load_rows", c.shares.n_loads}, {"others", c.shares.others},
                            {"other_rows", c.shares.n_others},
                            {"outside_family", c.shares.n_outside}}},
          {"rows", rows},
          {"verdict", c.result == outcome::regressed      ? "regression"
                      : c.result == outcome::inconclusive ? "inconclusive"
                                                          : "pass"},
          {"reason", c.reason},
          {"sessions_to_resolve", c.sessions_to_resolve ? nlohmann::json(*c.sessions_to_resolve)
                                                        : nlohmann::json()},
          {"moved", c.moved},
          {"new_failed_urls", new_failures},
          {"warnings", c.warnings},
          {"saturation",
           {{"baseline_flagged", c.saturation.baseline_flagged},
            {"baseline_loads", c.saturation.baseline_loads},
            {"candidate_flagged", c.saturation.candidate_flagged},
            {"candidate_loads", c.saturation.candidate_loads},
            {"compared_alike", c.saturation.compared_alike},
            {"left_out", c.saturation.left_out}}}};
}

}  // namespace footfall::analytics
