// compare's page health (issue 21): Core Web Vitals at p75 per path and campaign-wide, and the
// URLs that fail in the candidate and never in the baseline. analytics/README.md explains the
// methods and why they were chosen.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analytics/compare_rows.hpp"
#include "analytics/stats.hpp"

namespace footfall::analytics {
namespace detail {
namespace {

using verdict = diff_row::verdict;

/// One vital as compare judges it.
struct vital {
  const char* name;        ///< "lcp": what require_vitals names
  const char* path_metric; ///< per-path row: its p75
  const char* all_metric;  ///< campaign-wide row: the common change
  std::map<std::string, std::vector<double>> campaign_summary::*values;
  double pct = 0;          ///< relative limit (0: none, CLS)
  double abs = 0;          ///< absolute limit (ms, or CLS units)
  bool relative = true;    ///< campaign-wide on log values (a common relative change)
};

std::vector<vital> vitals(const thresholds& t) {
  return {{"lcp", "lcp_p75_ms", "lcp_change_pct", &campaign_summary::lcp_ms,
           t.lcp_p75_increase_pct, t.lcp_p75_increase_ms, true},
          {"inp", "inp_p75_ms", "inp_change_pct", &campaign_summary::inp_ms,
           t.inp_p75_increase_pct, t.inp_p75_increase_ms, true},
          {"cls", "cls_p75", "cls_change", &campaign_summary::cls, 0, t.cls_p75_increase, false}};
}

const std::vector<double>& values_of(const campaign_summary& s, const vital& v,
                                     const std::string& path) {
  static const std::vector<double> none;
  const auto& m = s.*v.values;
  const auto it = m.find(path);
  return it == m.end() ? none : it->second;
}

std::vector<double> all_values(const campaign_summary& s, const vital& v) {
  std::vector<double> out;
  for (const auto& [_, xs] : s.*v.values) out.insert(out.end(), xs.begin(), xs.end());
  return out;
}

double p75_of_units(const std::vector<unit>& u) {
  std::vector<double> v;
  v.reserve(u.size());
  for (const auto& x : u) v.push_back(x.value);
  return *quantile(std::move(v), 0.75);
}

std::string limit_text(const vital& v) {
  if (!v.relative) return "+" + fmt("%.3g", v.abs);
  return "+" + fmt("%.0f", v.pct) + "% and +" + fmt("%.0f", v.abs) + "ms";
}

/// One path's p75: a percentile bootstrap of p75(candidate) − p75(baseline), resampling visits,
/// against the larger of the absolute limit and the relative one over the baseline's p75. A
/// bootstrap has no attainable minimum p of its own; the row takes the Mann–Whitney one of the
/// same sizes, so a path's p75 is never judged more surely than a rank test of its visits could
/// be (5 visits a side cannot enter a family of 20 rows at 99 %).
pending path_row(const vital& v, const std::string& path, const std::vector<double>& b,
                 const std::vector<double>& c, const thresholds& t) {
  pending p;
  p.row.metric = v.path_metric;
  p.row.scope = path;
  p.row.n_baseline = static_cast<int>(b.size());
  p.row.n_candidate = static_cast<int>(c.size());
  p.row.baseline = quantile(b, 0.75);
  p.row.candidate = quantile(c, 0.75);
  p.row.limit = limit_text(v);
  if (b.empty() || c.empty()) {
    p.row.status = verdict::info;
    p.row.note = "values in one campaign only";
    return p;
  }
  if (std::min(b.size(), c.size()) < static_cast<std::size_t>(t.min_samples)) return p;
  p.min_p = mann_whitney_min_p(p.row.n_baseline, p.row.n_candidate);
  p.cannot_differ = no_spread(b, c);
  const double limit = std::max(v.abs, *p.row.baseline * v.pct / 100);
  std::vector<unit> ub, uc;
  for (double x : b) ub.push_back({x, 1});
  for (double y : c) uc.push_back({y, 1});
  p.judge = bootstrap_judge(std::move(ub), std::move(uc), p75_of_units, limit, t);
  return p;
}

/// The campaign-wide row: the van Elteren stratified shift, as for loads (each visit ranked only
/// against the other side's visits of its own path, so a different mix of paths is no change),
/// on log values for LCP and INP (one common relative change, judged against the larger of the
/// relative limit and the absolute one over the baseline's campaign p75), on raw values for CLS
/// (an absolute change). The p75 columns are each side's over all its visits.
pending all_paths_vital_row(const vital& v, const campaign_summary& b, const campaign_summary& c,
                      const thresholds& t) {
  pending p;
  p.row.metric = v.all_metric;
  p.row.scope = all_paths_scope;
  const auto vb = all_values(b, v), vc = all_values(c, v);
  p.row.baseline = quantile(vb, 0.75);
  p.row.candidate = quantile(vc, 0.75);
  auto scale = [rel = v.relative](const std::vector<double>& xs) {
    std::vector<double> out;
    for (double x : xs) out.push_back(rel ? std::log(std::max(x, 1.0)) : x);
    return out;
  };
  std::vector<stratum> strata;
  for (const auto& [path, xb] : b.*v.values) {
    const auto& xc = values_of(c, v, path);
    if (xb.empty() || xc.empty()) continue;
    strata.push_back({scale(xb), scale(xc)});
    p.row.n_baseline += static_cast<int>(xb.size());
    p.row.n_candidate += static_cast<int>(xc.size());
  }
  double limit = v.abs;  // CLS: absolute
  if (v.relative) {
    const double typical = p.row.baseline.value_or(0);
    const double abs_pct = typical > 0 ? 100 * v.abs / typical : 0;
    limit = std::max(v.pct, abs_pct);
    p.row.limit = "+" + fmt("%.1f", limit) + "% (+" + fmt("%.0f", v.pct) + "%, +" +
                  fmt("%.0f", v.abs) + "ms at p75 " + fmt("%.0f", typical) + "ms)";
  } else {
    p.row.limit = "+" + fmt("%.3g", limit);
  }
  if (std::min(p.row.n_baseline, p.row.n_candidate) < t.min_samples) {
    p.row.note = "visits with a value on both sides of a path: " +
                 std::to_string(p.row.n_baseline) + "/" + std::to_string(p.row.n_candidate);
    return p;
  }
  p.min_p = van_elteren_min_p(strata);
  std::vector<double> pooled_b, pooled_c;
  for (const auto& s : strata) {
    pooled_b.insert(pooled_b.end(), s.x.begin(), s.x.end());
    pooled_c.insert(pooled_c.end(), s.y.begin(), s.y.end());
  }
  p.cannot_differ = no_spread(pooled_b, pooled_c);
  const bool rel = v.relative;
  const double limit_scaled = rel ? std::log1p(limit / 100) : limit;
  const double sd = within_strata_sd(strata);
  p.judge = van_elteren_judge(std::move(strata), limit_scaled, sd, t.power,
                              [rel](double l) { return rel ? 100 * std::expm1(l) : l; });
  return p;
}

}  // namespace

std::string vital_all_paths_metric(const std::string& name) {
  for (const auto& v : vitals(thresholds{}))
    if (name == v.name) return v.all_metric;
  return name;
}

void add_vital_rows(const campaign_summary& b, const campaign_summary& c, const thresholds& t,
                    std::vector<pending>& out) {
  for (const auto& v : vitals(t)) {
    // A vital neither campaign recorded (page health off, no interaction anywhere) has no rows.
    if ((b.*v.values).empty() && (c.*v.values).empty()) continue;
    auto all = all_paths_vital_row(v, b, c, t);
    if (v.relative && (b.vitals_saturated || c.vitals_saturated))
      all.row.note += std::string(all.row.note.empty() ? "" : "; ") +
                      std::to_string(b.vitals_saturated + c.vitals_saturated) +
                      " visits measured while footfall was saturated left out";
    out.push_back(std::move(all));
    std::set<std::string> paths;
    for (const auto* s : {&b, &c})
      for (const auto& [path, _] : s->*v.values) paths.insert(path);
    for (const auto& path : paths)
      out.push_back(path_row(v, path, values_of(b, v, path), values_of(c, v, path), t));
  }
}

namespace {

/// host[:port] of a URL (what an endpoint starts with), credentials dropped; "" without one.
std::string authority_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  auto a = url.substr(scheme + 3, url.find_first_of("/?#", scheme + 3) - (scheme + 3));
  if (const auto at = a.rfind('@'); at != std::string::npos) a.erase(0, at + 1);
  return a;
}

/// An endpoint as compared across the two campaigns: one on the campaign's own site (its
/// target's host) by its path alone, so two deployments side by side (the baseline's on one
/// host, the candidate's on another) compare their own URLs; third parties (a CDN) as they are.
std::string site_relative(const std::string& endpoint, const std::string& site) {
  if (!site.empty() && endpoint.size() > site.size() &&
      endpoint.compare(0, site.size(), site) == 0 && endpoint[site.size()] == '/')
    return "(site)" + endpoint.substr(site.size());
  return endpoint;
}

}  // namespace

std::vector<new_failure> find_new_failures(const campaign_summary& b, const campaign_summary& c,
                                           const thresholds& t, std::vector<std::string>& warnings) {
  std::vector<new_failure> out;
  if (t.new_failed_url_min_visits == 0) return out;
  const bool candidate_failed = std::any_of(c.endpoints.begin(), c.endpoints.end(),
                                            [](const auto& e) { return e.errors > 0; });
  if (b.endpoints.empty()) {
    // Without the baseline's requests every failure would look new.
    if (candidate_failed)
      warnings.push_back("the baseline recorded no requests (page health off, or recorded "
                         "before it existed): newly failing URLs were not judged");
    return out;
  }
  std::map<std::string, const storage::endpoint_outcome*> base;
  std::set<std::string> base_pages;  // every page path the baseline visited (its document)
  const auto b_site = authority_of(b.target_url), c_site = authority_of(c.target_url);
  for (const auto& e : b.endpoints) {
    base[site_relative(e.endpoint, b_site)] = &e;
    base_pages.insert(e.pages.begin(), e.pages.end());
  }
  for (const auto& e : c.endpoints) {
    if (e.errors == 0 || e.error_visits < t.new_failed_url_min_visits) continue;
    const auto it = base.find(site_relative(e.endpoint, c_site));
    if (it != base.end() && it->second->errors > 0) continue;  // failed before too: not new
    new_failure f;
    // Journeys are random: a page only the candidate happened to visit may have been broken all
    // along. Judged when it failed on a page the baseline visited too, whether or not the
    // baseline requested the URL itself (a script newly added to a page that 404s is new).
    for (const auto& page : e.error_pages)
      if (base_pages.count(page)) f.on_baseline_pages = true;
    if (!f.on_baseline_pages) f.pages = e.error_pages;
    f.endpoint = e.endpoint;
    f.example_url = e.example_url;
    f.statuses = e.statuses;
    f.candidate_visits = static_cast<int>(e.error_visits);
    f.candidate_errors = static_cast<int>(e.errors);
    f.candidate_requests = static_cast<int>(e.requests);
    f.baseline_requests = it == base.end() ? 0 : static_cast<int>(it->second->requests);
    out.push_back(std::move(f));
  }
  // Judged ones first, then most failing visits: the likeliest culprit leads the list.
  std::stable_sort(out.begin(), out.end(), [](const new_failure& x, const new_failure& y) {
    if (x.on_baseline_pages != y.on_baseline_pages) return x.on_baseline_pages;
    return x.candidate_visits > y.candidate_visits;
  });
  return out;
}

diff_row new_failure_row(const new_failure& f) {
  diff_row r;
  r.metric = new_failed_url_metric;
  r.scope = f.endpoint;
  r.n_baseline = f.baseline_requests;
  r.n_candidate = f.candidate_requests;
  r.baseline = 0;
  r.candidate = f.candidate_errors;
  r.change = f.candidate_errors;
  r.limit = "never failed in baseline";
  r.note = "failed " + std::to_string(f.candidate_errors) + " times in " +
           std::to_string(f.candidate_visits) + " visits (" + f.statuses + "), e.g. " +
           f.example_url + "; " +
           (f.baseline_requests ? "the baseline requested it " +
                                      std::to_string(f.baseline_requests) + " times without error"
                                : std::string("the baseline never requested it"));
  r.status = verdict::regressed;
  if (!f.on_baseline_pages) {
    std::string pages;
    for (const auto& p : f.pages) pages += (pages.empty() ? "" : ", ") + p;
    r.status = verdict::info;
    r.note += "; not judged: it failed only on pages the baseline never visited (" + pages + ")";
  }
  return r;
}

}  // namespace detail

void add_page_health(campaign_summary& s, const std::vector<storage::visit_vitals>& vitals,
                     std::vector<storage::endpoint_outcome> endpoints) {
  for (const auto& v : vitals) {
    if (v.saturated && (v.lcp_ms || v.inp_ms)) ++s.vitals_saturated;
    if (v.lcp_ms && !v.saturated) s.lcp_ms[v.url_path].push_back(*v.lcp_ms);
    if (v.inp_ms && !v.saturated) s.inp_ms[v.url_path].push_back(*v.inp_ms);
    if (v.cls) s.cls[v.url_path].push_back(*v.cls);
  }
  s.endpoints = std::move(endpoints);
}

}  // namespace footfall::analytics
