#include "analytics/compare.hpp"

#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace footfall::analytics {
namespace {

using verdict = diff_row::verdict;
constexpr double eps = 1e-9;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string num(std::optional<double> v, int decimals) {
  if (!v) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

/// Higher is worse: regressed when the increase exceeds the limit, improved when it falls.
verdict judge_increase(std::optional<double> b, std::optional<double> c, double limit) {
  if (!b || !c) return verdict::info;
  if (*c - *b > limit + eps) return verdict::regressed;
  if (*c < *b - eps) return verdict::improved;
  return verdict::ok;
}

/// Load times: regressed when the increase exceeds both the relative and the absolute limit.
verdict judge_load(std::optional<double> b, std::optional<double> c, double pct, double ms) {
  if (!b || !c) return verdict::info;
  const double d = *c - *b;
  if (d > *b * pct / 100.0 + eps && d > ms + eps) return verdict::regressed;
  if (-d > *b * pct / 100.0 + eps && -d > ms + eps) return verdict::improved;
  return verdict::ok;
}

double per_page(int n, int pages) { return pages > 0 ? double(n) / pages : 0.0; }

}  // namespace

std::string to_string(verdict v) {
  switch (v) {
    case verdict::ok: return "ok";
    case verdict::regressed: return "REGRESSED";
    case verdict::improved: return "improved";
    case verdict::info: return "info";
  }
  return "?";
}

campaign_summary summarize(const campaign_report& r) {
  campaign_summary s;
  s.id = r.data.info.id.str();
  s.name = r.data.info.name;
  s.sessions = static_cast<int>(r.data.sessions.size());
  int completed = 0;
  for (const auto& f : r.data.sessions)
    if (f.row.status == storage::session_status::completed) ++completed;
  s.success_rate = s.sessions ? double(completed) / s.sessions : 0.0;
  s.pages = static_cast<int>(r.data.visits.size());
  s.console_errors = r.console_errors;
  s.failed_requests = r.failed_requests;
  if (r.data.analytics) {
    s.rhythm_score = r.data.analytics->avg_rhythm_score;
    s.detection_risk = r.data.analytics->detection_risk_score;
  }
  for (const auto& p : r.paths) s.paths[p.path] = {p.load_samples, p.load_p50_ms, p.load_p95_ms};
  return s;
}

thresholds thresholds::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("thresholds: expected a JSON object");
  thresholds t;
  const std::pair<const char*, double*> fields[] = {
      {"success_rate_drop", &t.success_rate_drop},
      {"load_p50_increase_pct", &t.load_p50_increase_pct},
      {"load_p50_increase_ms", &t.load_p50_increase_ms},
      {"load_p95_increase_pct", &t.load_p95_increase_pct},
      {"load_p95_increase_ms", &t.load_p95_increase_ms},
      {"console_errors_per_page_increase", &t.console_errors_per_page_increase},
      {"failed_requests_per_page_increase", &t.failed_requests_per_page_increase},
      {"rhythm_drop", &t.rhythm_drop},
      {"detection_risk_increase", &t.detection_risk_increase}};
  for (const auto& [key, value] : j.items()) {
    double* target = nullptr;
    for (const auto& [name, field] : fields)
      if (key == name) target = field;
    if (!target) throw std::invalid_argument("thresholds: unknown field '" + key + "'");
    if (!value.is_number())
      throw std::invalid_argument("thresholds: field '" + key + "' must be a number");
    const double v = value.get<double>();
    if (v < 0 || !std::isfinite(v))
      throw std::invalid_argument("thresholds: field '" + key + "' must be >= 0");
    *target = v;
  }
  return t;
}

nlohmann::json thresholds::to_json() const {
  return {{"success_rate_drop", success_rate_drop},
          {"load_p50_increase_pct", load_p50_increase_pct},
          {"load_p50_increase_ms", load_p50_increase_ms},
          {"load_p95_increase_pct", load_p95_increase_pct},
          {"load_p95_increase_ms", load_p95_increase_ms},
          {"console_errors_per_page_increase", console_errors_per_page_increase},
          {"failed_requests_per_page_increase", failed_requests_per_page_increase},
          {"rhythm_drop", rhythm_drop},
          {"detection_risk_increase", detection_risk_increase}};
}

comparison compare(const campaign_summary& b, const campaign_summary& c, const thresholds& t) {
  comparison out{b, c, t, {}, false};
  auto add = [&](std::string metric, std::string scope, std::optional<double> bv,
                 std::optional<double> cv, std::string limit, verdict v) {
    out.rows.push_back({std::move(metric), std::move(scope), bv, cv, std::move(limit), v});
    if (v == verdict::regressed) out.regressed = true;
  };
  add("sessions", "campaign", b.sessions, c.sessions, "", verdict::info);
  // A drop in success is the inverse of an increase in failures.
  add("success_rate", "campaign", b.success_rate, c.success_rate,
      "drop <= " + fmt("%.2f", t.success_rate_drop),
      judge_increase(-b.success_rate, -c.success_rate, t.success_rate_drop));
  add("console_errors_per_page", "campaign", per_page(b.console_errors, b.pages),
      per_page(c.console_errors, c.pages), "increase <= " + fmt("%.3f", t.console_errors_per_page_increase),
      judge_increase(per_page(b.console_errors, b.pages), per_page(c.console_errors, c.pages),
                     t.console_errors_per_page_increase));
  add("failed_requests_per_page", "campaign", per_page(b.failed_requests, b.pages),
      per_page(c.failed_requests, c.pages),
      "increase <= " + fmt("%.3f", t.failed_requests_per_page_increase),
      judge_increase(per_page(b.failed_requests, b.pages), per_page(c.failed_requests, c.pages),
                     t.failed_requests_per_page_increase));
  add("rhythm_score", "campaign", b.rhythm_score, c.rhythm_score,
      "drop <= " + fmt("%.2f", t.rhythm_drop),
      judge_increase(b.rhythm_score ? std::optional(-*b.rhythm_score) : std::nullopt,
                     c.rhythm_score ? std::optional(-*c.rhythm_score) : std::nullopt, t.rhythm_drop));
  add("detection_risk", "campaign", b.detection_risk, c.detection_risk,
      "increase <= " + fmt("%.2f", t.detection_risk_increase),
      judge_increase(b.detection_risk, c.detection_risk, t.detection_risk_increase));

  std::set<std::string> paths;
  for (const auto& [p, _] : b.paths) paths.insert(p);
  for (const auto& [p, _] : c.paths) paths.insert(p);
  for (const auto& p : paths) {
    const auto bi = b.paths.find(p), ci = c.paths.find(p);
    const std::optional<campaign_summary::load> bl =
        bi == b.paths.end() ? std::nullopt : std::optional(bi->second);
    const std::optional<campaign_summary::load> cl =
        ci == c.paths.end() ? std::nullopt : std::optional(ci->second);
    auto get = [](const auto& l, auto member) -> std::optional<double> {
      return l ? (*l).*member : std::nullopt;
    };
    const auto b50 = get(bl, &campaign_summary::load::p50_ms), c50 = get(cl, &campaign_summary::load::p50_ms);
    const auto b95 = get(bl, &campaign_summary::load::p95_ms), c95 = get(cl, &campaign_summary::load::p95_ms);
    add("load_p50_ms", p, b50, c50,
        "+" + fmt("%.0f", t.load_p50_increase_pct) + "% and +" + fmt("%.0f", t.load_p50_increase_ms) + "ms",
        judge_load(b50, c50, t.load_p50_increase_pct, t.load_p50_increase_ms));
    add("load_p95_ms", p, b95, c95,
        "+" + fmt("%.0f", t.load_p95_increase_pct) + "% and +" + fmt("%.0f", t.load_p95_increase_ms) + "ms",
        judge_load(b95, c95, t.load_p95_increase_pct, t.load_p95_increase_ms));
  }
  return out;
}

std::string render_comparison(const comparison& c) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "baseline:  %s (%s)\ncandidate: %s (%s)\n\n",
                c.baseline.name.c_str(), c.baseline.id.c_str(), c.candidate.name.c_str(),
                c.candidate.id.c_str());
  out += line;
  std::snprintf(line, sizeof line, "%-26s %-24s %12s %12s %12s  %-22s %s\n", "metric", "scope",
                "baseline", "candidate", "delta", "limit", "status");
  out += line;
  out += std::string(122, '-') + "\n";
  int regressions = 0;
  for (const auto& r : c.rows) {
    const bool ms = r.metric.find("_ms") != std::string::npos || r.metric == "sessions";
    const int d = ms ? 1 : 3;
    std::optional<double> delta;
    if (r.baseline && r.candidate) delta = *r.candidate - *r.baseline;
    std::string scope = r.scope.size() > 24 ? r.scope.substr(0, 21) + "..." : r.scope;
    std::snprintf(line, sizeof line, "%-26s %-24s %12s %12s %12s  %-22s %s\n", r.metric.c_str(),
                  scope.c_str(), num(r.baseline, d).c_str(), num(r.candidate, d).c_str(),
                  num(delta, d).c_str(), r.limit.c_str(), to_string(r.status).c_str());
    out += line;
    if (r.status == verdict::regressed) ++regressions;
  }
  out += "\nverdict: ";
  out += c.regressed ? "REGRESSION (" + std::to_string(regressions) + " regressed)\n" : "PASS\n";
  return out;
}

nlohmann::json comparison_json(const comparison& c) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : c.rows) {
    nlohmann::json j{{"metric", r.metric}, {"scope", r.scope}, {"limit", r.limit},
                     {"status", to_string(r.status)}};
    j["baseline"] = r.baseline ? nlohmann::json(*r.baseline) : nlohmann::json();
    j["candidate"] = r.candidate ? nlohmann::json(*r.candidate) : nlohmann::json();
    rows.push_back(std::move(j));
  }
  return {{"baseline", {{"id", c.baseline.id}, {"name", c.baseline.name}}},
          {"candidate", {{"id", c.candidate.id}, {"name", c.candidate.name}}},
          {"thresholds", c.limits.to_json()},
          {"rows", rows},
          {"verdict", c.regressed ? "regression" : "pass"}};
}

}  // namespace footfall::analytics
