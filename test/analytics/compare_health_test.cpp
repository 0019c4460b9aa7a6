// compare's page health (issue 21) as a pure function over fabricated summaries: Core Web Vitals
// at p75 per path and campaign-wide, newly failing URLs, and their thresholds.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <set>

#include "analytics/compare.hpp"

using namespace footfall::analytics;
using verdict = diff_row::verdict;

namespace {

/// `sessions` sessions each visiting 4 paths twice: identical load times (the load row passes
/// whatever the vitals do), LCP lognormal around `lcp` ms (σ 0.2) plus `lcp_add`, CLS around 0.02
/// plus `cls_add`, and INP for the first `inp_visits` visits only (few visits interact).
campaign_summary with_vitals(std::uint64_t seed, int sessions, double lcp_add = 0,
                             double cls_add = 0, int inp_visits = 1000,
                             const std::string& lcp_path = "") {
  std::mt19937_64 rng(seed);
  campaign_summary s;
  s.id = "c" + std::to_string(seed);
  s.name = s.id;
  const double lcp[] = {1200, 1800, 900, 2400};
  int visit = 0;
  for (int i = 0; i < sessions; ++i) {
    session_sample x;
    x.completed = true;
    x.pages = 8;
    x.rhythm_score = 0.7;
    x.detection_risk = 0.2;
    s.sessions.push_back(x);
    for (int p = 0; p < 4; ++p) {
      const std::string path = "/p" + std::to_string(p);
      std::lognormal_distribution<double> l(std::log(lcp[p]), 0.2), in(std::log(120), 0.3);
      std::uniform_real_distribution<double> shift(0, 0.04);
      for (int v = 0; v < 2; ++v, ++visit) {
        s.load_ms[path].push_back(300 + 10 * p + v + i % 3);
        const bool worse = lcp_path.empty() || lcp_path == path;
        s.lcp_ms[path].push_back(l(rng) + (worse ? lcp_add : 0));
        s.cls[path].push_back(shift(rng) + cls_add);
        if (visit < inp_visits) s.inp_ms[path].push_back(in(rng));
      }
    }
  }
  return s;
}

/// The same campaign's loads and sessions with a second draw of its vitals.
campaign_summary redrawn(const campaign_summary& base, std::uint64_t seed, int sessions,
                         double lcp_add = 0, double cls_add = 0, int inp_visits = 1000,
                         const std::string& lcp_path = "") {
  auto s = with_vitals(seed, sessions, lcp_add, cls_add, inp_visits, lcp_path);
  s.load_ms = base.load_ms;
  s.id = base.id + "'";
  s.name = s.id;
  return s;
}

const diff_row* find(const comparison& c, const std::string& metric, const std::string& scope) {
  for (const auto& r : c.rows)
    if (r.metric == metric && r.scope == scope) return &r;
  return nullptr;
}

const diff_row& row(const comparison& c, const std::string& metric, const std::string& scope) {
  const auto* r = find(c, metric, scope);
  REQUIRE_MESSAGE(r, "no row " << metric << " " << scope);
  return *r;
}

/// An endpoint requested from page "/" (or `page`), failing `errors` times in `visits` visits.
footfall::storage::endpoint_outcome endpoint(const std::string& e, int requests, int errors,
                                             int visits, const std::string& statuses = "",
                                             const std::string& page = "/") {
  footfall::storage::endpoint_outcome o;
  o.endpoint = e;
  o.requests = requests;
  o.errors = errors;
  o.error_visits = visits;
  o.statuses = statuses;
  o.example_url = errors ? "http://" + e + "?v=1" : "";
  o.pages = {page};
  if (errors) o.error_pages = {page};
  return o;
}

}  // namespace

TEST_CASE("compare vitals: LCP 1.5 s worse on every page regresses campaign-wide and per path") {
  const auto b = with_vitals(1, 20);
  const auto c = compare(b, redrawn(b, 2, 20, 1500), {});
  const auto& all = row(c, "lcp_change_pct", "all paths");
  INFO(render_comparison(c));
  CHECK(all.status == verdict::regressed);
  CHECK(all.n_baseline == 160);
  CHECK(*all.candidate > *all.baseline + 1000);  // pooled p75s
  CHECK(all.ci->lo > *all.limit_at);
  CHECK(row(c, "lcp_p75_ms", "/p0").status == verdict::regressed);  // 1.2 s -> 2.7 s, 40 visits
  CHECK(row(c, "lcp_p75_ms", "/p0").ci->contains(*row(c, "lcp_p75_ms", "/p0").change));
  CHECK(c.result == outcome::regressed);
  CHECK(render_comparison(c).find("verdict: REGRESSION") != std::string::npos);
}

TEST_CASE("compare vitals: one path's LCP worse regresses that path's p75 row") {
  const auto b = with_vitals(3, 20);
  const auto c = compare(b, redrawn(b, 4, 20, 2000, 0, 1000, "/p2"), {});
  INFO(render_comparison(c));
  CHECK(row(c, "lcp_p75_ms", "/p2").status == verdict::regressed);
  CHECK(row(c, "lcp_p75_ms", "/p1").status != verdict::regressed);
  CHECK(c.result == outcome::regressed);
}

TEST_CASE("compare vitals: the same distribution passes, rows join the Bonferroni family") {
  const auto b = with_vitals(5, 20);
  auto plain = b;
  plain.lcp_ms.clear();
  plain.inp_ms.clear();
  plain.cls.clear();
  const auto without = compare(plain, plain, {});
  const auto c = compare(b, redrawn(b, 6, 20), {});
  INFO(render_comparison(c));
  CHECK(c.result == outcome::pass);
  int judged = 0;
  for (const auto& r : c.rows) {
    const bool vital = r.metric.rfind("lcp", 0) == 0 || r.metric.rfind("inp", 0) == 0 ||
                       r.metric.rfind("cls", 0) == 0;
    if (!vital) continue;
    CHECK(r.status != verdict::regressed);
    if (!r.ci) continue;
    ++judged;
    // Vitals share the quarter of α that is neither the campaign-wide nor a path's load row.
    CHECK(r.row_confidence == doctest::Approx(1 - 2 * 0.0025 / c.shares.n_others));
  }
  // 3 vitals x (campaign-wide + 4 paths), each judged at the family's per-row level.
  CHECK(judged == 15);
  CHECK(c.family == without.family + 15);

  // Unchanged vitals over many pairs: no false regression (each row holds at 99 % family-wise).
  thresholds quick;
  quick.bootstrap_resamples = 500;
  int false_regressions = 0;
  for (std::uint64_t seed = 100; seed < 130; ++seed) {
    const auto x = with_vitals(seed, 10);
    const auto k = compare(x, redrawn(x, seed + 1000, 10), quick);
    for (const auto& r : k.rows)
      if (r.status == verdict::regressed) ++false_regressions;
  }
  CHECK(false_regressions == 0);
}

TEST_CASE("compare vitals: too few INP samples are inconclusive without making the outcome so") {
  const auto b = with_vitals(7, 20, 0, 0, 3);  // three visits interacted on each side
  const auto cand = redrawn(b, 8, 20, 0, 0, 3);
  const auto c = compare(b, cand, {});
  INFO(render_comparison(c));
  CHECK(row(c, "inp_change_pct", "all paths").status == verdict::inconclusive);
  CHECK(c.result == outcome::pass);

  // Unless the thresholds require INP: then a pass needs its evidence.
  thresholds t;
  t.require_vitals = {"inp"};
  const auto r = compare(b, cand, t);
  CHECK(r.result == outcome::inconclusive);
  CHECK(r.reason.find("inp_change_pct") != std::string::npos);
  CHECK(r.reason.find("required by the thresholds") != std::string::npos);
  // A required vital with evidence enough passes.
  t.require_vitals = {"lcp", "cls"};
  CHECK(compare(b, cand, t).result == outcome::pass);
  // A regression still fails even when a required vital is inconclusive.
  t.require_vitals = {"inp"};
  CHECK(compare(b, redrawn(b, 9, 20, 1500, 0, 3), t).result == outcome::regressed);
}

TEST_CASE("compare vitals: CLS is an absolute change, no vitals, no rows") {
  const auto b = with_vitals(11, 20);
  const auto c = compare(b, redrawn(b, 12, 20, 0, 0.2), {});
  INFO(render_comparison(c));
  CHECK(row(c, "cls_change", "all paths").status == verdict::regressed);
  CHECK(row(c, "cls_change", "all paths").change == doctest::Approx(0.2).epsilon(0.1));
  CHECK(c.result == outcome::regressed);
  // A small shift below the 0.05 limit is not a regression.
  CHECK(row(compare(b, redrawn(b, 12, 20, 0, 0.01), {}), "cls_change", "all paths").status !=
        verdict::regressed);

  auto plain = b;
  plain.lcp_ms.clear();
  plain.inp_ms.clear();
  plain.cls.clear();
  const auto none = compare(plain, plain, {});
  CHECK_FALSE(find(none, "lcp_change_pct", "all paths"));
  CHECK_FALSE(find(none, "cls_p75", "/p0"));
}

TEST_CASE("compare: a URL failing in the candidate and never in the baseline is named and fails") {
  auto b = with_vitals(21, 20), k = redrawn(b, 22, 20);
  b.endpoints = {endpoint("127.0.0.1:8080/", 40, 0, 0),
                 endpoint("127.0.0.1:8080/api/data", 40, 0, 0),
                 endpoint("127.0.0.1:8080/missing.png", 40, 40, 40, "404")};
  k.endpoints = {endpoint("127.0.0.1:8080/", 40, 0, 0),
                 endpoint("127.0.0.1:8080/api/data", 40, 2, 2, "500"),
                 endpoint("127.0.0.1:8080/missing.png", 40, 40, 40, "404"),
                 endpoint("cdn.example/new.js", 5, 5, 5, "net::ERR_NAME_NOT_RESOLVED")};
  const auto c = compare(b, k, {});
  const auto text = render_comparison(c);
  INFO(text);
  REQUIRE(c.new_failures.size() == 2);
  CHECK(c.new_failures[0].endpoint == "cdn.example/new.js");  // most failing visits first
  CHECK(c.new_failures[0].baseline_requests == 0);
  CHECK(c.new_failures[1].endpoint == "127.0.0.1:8080/api/data");
  CHECK(c.new_failures[1].baseline_requests == 40);
  CHECK(row(c, "new_failed_url", "127.0.0.1:8080/api/data").status == verdict::regressed);
  CHECK_FALSE(find(c, "new_failed_url", "127.0.0.1:8080/missing.png"));  // failed before too
  CHECK(c.result == outcome::regressed);
  CHECK(text.find("127.0.0.1:8080/api/data  500 in 2 visits") != std::string::npos);
  CHECK(text.find("the baseline never requested it") != std::string::npos);
  CHECK(text.find("verdict: REGRESSION") != std::string::npos);
  const auto j = comparison_json(c);
  CHECK(j["verdict"] == "regression");
  CHECK(j["new_failed_urls"].size() == 2);
  CHECK(j["new_failed_urls"][1]["example_url"] == "http://127.0.0.1:8080/api/data?v=1");
  const auto html = render_comparison_html(c);
  CHECK(html.find("id=\"new-failures\"") != std::string::npos);
  CHECK(html.find("cdn.example/new.js") != std::string::npos);
  const auto junit = render_comparison_junit(c);
  CHECK(junit.find("classname=\"compare.new_failed_url\" name=\"127.0.0.1:8080/api/data\"><failure")
        != std::string::npos);

  // A failure only on a page the baseline never visited (a random journey reached it this time)
  // is named, not judged.
  auto elsewhere = k;
  elsewhere.endpoints = {endpoint("127.0.0.1:8080/", 40, 0, 0),
                         endpoint("127.0.0.1:8080/missing.png", 40, 40, 40, "404"),
                         endpoint("127.0.0.1:8080/old.png", 3, 3, 3, "404", "/archive.html")};
  const auto named = compare(b, elsewhere, {});
  REQUIRE(named.new_failures.size() == 1);
  CHECK_FALSE(named.new_failures[0].on_baseline_pages);
  CHECK(row(named, "new_failed_url", "127.0.0.1:8080/old.png").status == verdict::info);
  CHECK(row(named, "new_failed_url", "127.0.0.1:8080/old.png").note.find("/archive.html") !=
        std::string::npos);
  CHECK(named.result == outcome::pass);
  CHECK(render_comparison(named).find("not judged") != std::string::npos);
  CHECK(comparison_json(named)["new_failed_urls"][0]["judged"] == false);

  // Noise guard: fail in at least 3 candidate visits; 0 turns the rule off.
  thresholds t;
  t.new_failed_url_min_visits = 3;
  const auto three = compare(b, k, t);
  REQUIRE(three.new_failures.size() == 1);
  CHECK(three.new_failures[0].endpoint == "cdn.example/new.js");
  t.new_failed_url_min_visits = 0;
  CHECK(compare(b, k, t).new_failures.empty());
  CHECK(compare(b, k, t).result == outcome::pass);

  // Two deployments side by side: the baseline's site on another host. Its own URLs compare by
  // path (missing.png failed there too: not new); a third party's by host and path.
  auto old_site = b, new_site = k;
  old_site.target_url = "http://127.0.0.1:8080/index.html";
  new_site.target_url = "http://visitor:s3cr3t@127.0.0.1:9090/index.html";
  old_site.endpoints = {endpoint("127.0.0.1:8080/", 40, 0, 0),
                        endpoint("127.0.0.1:8080/missing.png", 40, 40, 40, "404"),
                        endpoint("cdn.example/lib.js", 40, 0, 0)};
  new_site.endpoints = {endpoint("127.0.0.1:9090/", 40, 0, 0),
                        endpoint("127.0.0.1:9090/missing.png", 40, 40, 40, "404"),
                        endpoint("127.0.0.1:9090/api/data", 40, 4, 4, "500"),
                        endpoint("cdn.example/lib.js", 40, 4, 4, "net::ERR_FAILED"),
                        endpoint("127.0.0.1:8080/missing.png", 4, 4, 4, "net::ERR_FAILED")};
  const auto sides = compare(old_site, new_site, {});
  INFO(render_comparison(sides));
  std::set<std::string> named_new;
  for (const auto& f : sides.new_failures) named_new.insert(f.endpoint);
  // The old site's own URL, requested from the new one, is not the new site's: a third party.
  CHECK(named_new == std::set<std::string>{"127.0.0.1:9090/api/data", "cdn.example/lib.js",
                                           "127.0.0.1:8080/missing.png"});

  // A baseline without recorded requests cannot say what is new: a warning, no verdict.
  b.endpoints.clear();
  const auto blind = compare(b, k, {});
  CHECK(blind.new_failures.empty());
  CHECK(blind.result == outcome::pass);
  REQUIRE(blind.warnings.size() == 1);
  CHECK(blind.warnings[0].find("baseline recorded no requests") != std::string::npos);
}

TEST_CASE("compare vitals: thresholds from JSON, refused naming the field") {
  const auto t = thresholds::from_json(nlohmann::json{{"lcp_p75_increase_ms", 300},
                                                      {"lcp_p75_increase_pct", 15},
                                                      {"inp_p75_increase_ms", 80},
                                                      {"inp_p75_increase_pct", 25},
                                                      {"cls_p75_increase", 0.1},
                                                      {"new_failed_url_min_visits", 2},
                                                      {"require_vitals", {"lcp", "cls"}}});
  CHECK(t.lcp_p75_increase_ms == 300);
  CHECK(t.lcp_p75_increase_pct == 15);
  CHECK(t.inp_p75_increase_ms == 80);
  CHECK(t.inp_p75_increase_pct == 25);
  CHECK(t.cls_p75_increase == 0.1);
  CHECK(t.new_failed_url_min_visits == 2);
  CHECK(t.require_vitals == std::vector<std::string>{"lcp", "cls"});
  // Round trip: the defaults and the new fields are printed by `compare --help`.
  CHECK(thresholds::from_json(t.to_json()).to_json() == t.to_json());
  const auto d = thresholds{}.to_json();
  CHECK(d["lcp_p75_increase_ms"] == 200);
  CHECK(d["inp_p75_increase_ms"] == 50);
  CHECK(d["cls_p75_increase"] == 0.05);
  CHECK(d["require_vitals"].empty());

  auto refused = [](const nlohmann::json& j) -> std::string {
    try {
      thresholds::from_json(j);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  CHECK(refused({{"lcp_p75_increase_ms", -1}}) ==
        "thresholds: field 'lcp_p75_increase_ms' must be from 0 to 60000");
  CHECK(refused({{"cls_p75_increase", 20}}) ==
        "thresholds: field 'cls_p75_increase' must be from 0 to 10");
  CHECK(refused({{"inp_p75_increase_pct", "10"}}) ==
        "thresholds: field 'inp_p75_increase_pct' must be a number");
  CHECK(refused({{"new_failed_url_min_visits", 1.5}}) ==
        "thresholds: field 'new_failed_url_min_visits' must be a non-negative integer");
  CHECK(refused({{"require_vitals", {"fid"}}}).find("'require_vitals' must be one of") !=
        std::string::npos);
  CHECK(refused({{"require_vitals", {"lcp", "lcp"}}}).find("twice") != std::string::npos);
  CHECK(refused({{"require_vitals", "lcp"}}).find("'require_vitals' must be an array") !=
        std::string::npos);
  CHECK(refused({{"lcp_p95_increase_ms", 10}}) ==
        "thresholds: unknown field 'lcp_p95_increase_ms'");
}
