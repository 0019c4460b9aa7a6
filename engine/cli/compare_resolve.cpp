// compare and run --compare-to: the comparison of two stored campaigns, sampled until resolved
// with --resolve (issue 22 item 4; the error control is analytics/sequential.hpp's).
#include "engine/cli/compare_resolve.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "analytics/sequential.hpp"
#include "engine/campaign/campaign_setup.hpp"
#include "engine/persona/links.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/commands.hpp"
#include "storage/page_health_queries.hpp"
#include "storage/repositories.hpp"

namespace po = boost::program_options;

namespace footfall::cli {

void add_compare_flags(po::options_description& d, compare_flags& f) {
  d.add_options()("thresholds", po::value(&f.thresholds_file)->value_name("FILE"),
                  "JSON file overriding the default thresholds")(
      "inconclusive", po::value(&f.inconclusive)->value_name("pass|fail"),
      "exit 0 (pass) or 1 (fail) instead of 4 when the verdict is INCONCLUSIVE")(
      "resolve", po::bool_switch(&f.resolve),
      "while the verdict is INCONCLUSIVE, add rounds of sessions to the candidate campaign (same "
      "config, fresh seeds), run them here and judge again, up to --max-sessions; every look is "
      "judged at 1 - (1 - confidence)/K, K the looks planned (Bonferroni over looks)")(
      "max-sessions", po::value(&f.max_sessions)->value_name("N"),
      "with --resolve: the candidate's total sessions it may reach (required)")(
      "round-sessions", po::value(&f.round_sessions)->value_name("K"),
      "with --resolve: sessions added per round (default: the candidate's session count when "
      "--resolve starts)")(
      "resolve-baseline", po::bool_switch(&f.resolve_baseline),
      "with --resolve: add every round to the baseline too, up to --max-sessions, run against "
      "the baseline's own target: for two deployments side by side, the baseline's site still "
      "as it was. A few baseline sessions bound the interval however large the candidate grows. "
      "Refused when both campaigns target the same site (its old version is gone)")(
      "resolve-paths", po::bool_switch(&f.resolve_paths),
      "with --resolve: look past a PASS while a path's p50 load row is unresolved (too few "
      "visits, or an interval reaching past its limit): one slowed path of many barely moves "
      "the campaign-wide row, which passes first; a path still unresolved at the cap makes the "
      "outcome INCONCLUSIVE, naming it. Costs sessions (often up to --max-sessions), never "
      "false regressions: the looks are planned either way");
}

void check_compare_flags(const compare_flags& f) {
  if (f.format != "table" && f.format != "json" && f.format != "html" && f.format != "junit")
    throw usage_error("--format: '" + f.format + "' is not one of table, json, html, junit");
  if (!f.inconclusive.empty() && f.inconclusive != "pass" && f.inconclusive != "fail")
    throw usage_error("--inconclusive: '" + f.inconclusive + "' is not one of pass, fail");
  constexpr int unset = compare_flags::unset;
  if (f.resolve && f.max_sessions == unset)
    throw usage_error("--resolve: needs --max-sessions N (the candidate's total it may reach)");
  if (!f.resolve &&
      (f.max_sessions != unset || f.round_sessions != unset || f.resolve_baseline ||
       f.resolve_paths))
    throw usage_error(std::string(f.max_sessions != unset     ? "--max-sessions"
                                  : f.round_sessions != unset ? "--round-sessions"
                                  : f.resolve_baseline        ? "--resolve-baseline"
                                                              : "--resolve-paths") +
                      ": applies with --resolve only");
  if (f.resolve && f.max_sessions < 1)
    throw usage_error("--max-sessions: " + std::to_string(f.max_sessions) + " must be >= 1");
  if (f.resolve && f.round_sessions != unset && f.round_sessions < 1)
    throw usage_error("--round-sessions: " + std::to_string(f.round_sessions) + " must be >= 1");
}

analytics::thresholds read_thresholds(const std::string& file) {
  if (file.empty()) return {};
  std::ifstream in(file);
  if (!in) throw usage_error("--thresholds: cannot read '" + file + "'");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) throw usage_error("--thresholds: '" + file + "' is not valid JSON");
  try {
    return analytics::thresholds::from_json(j);
  } catch (const std::invalid_argument& e) {
    throw usage_error(std::string("--thresholds ") + file + ": " + e.what());
  }
}

namespace {

/// What compare reads of a campaign: its report's samples, and page health (issue 21): each
/// visit's vitals and the endpoints its pages requested.
analytics::campaign_summary summary_of(const std::string& url, const storage::uuid& id) {
  storage::connection c(url);
  auto s = analytics::summarize(load_report(c, id, false, false));
  analytics::add_page_health(s, storage::load_visit_vitals(c, id),
                             storage::load_request_endpoints(c, id));
  return s;
}

/// A URL's origin as links.hpp normalizes it (case, default port, credentials dropped; "" when
/// it is not http(s)): two deployments side by side differ in it. Also what is printed: nothing
/// secret goes to the logs.
std::string origin_of(const std::string& url) {
  const auto u = engine::parse_url(url);
  return u ? u->origin() : "";
}

/// --resolve-baseline's conditions: the baseline can be given sessions, and its site is not the
/// candidate's (then its site as it was is gone, and new baseline sessions would measure the
/// candidate's site: a regression would shrink as the loop goes on).
void check_baseline_extendable(const std::string& url, const storage::uuid& b,
                               const storage::uuid& k) {
  try {
    engine::check_extendable(url, b);
  } catch (const std::exception& e) {
    throw usage_error(std::string("--resolve-baseline: the baseline ") + e.what());
  }
  storage::connection c(url);
  storage::campaign_repository repo(c);
  const auto base = repo.find(b).value().target_url, cand = repo.find(k).value().target_url;
  if (origin_of(base) == origin_of(cand))
    throw usage_error("--resolve-baseline: both campaigns target " + origin_of(cand) +
                      "; the baseline's site as it was is gone, so its new sessions would "
                      "measure the candidate's site (give the baseline a larger run instead)");
}

}  // namespace

analytics::comparison compare_campaigns(const std::string& url, const storage::uuid& b,
                                        const storage::uuid& k, const analytics::thresholds& t,
                                        const compare_flags& f, const run_pending& run) {
  if (!f.resolve) return analytics::compare(summary_of(url, b), summary_of(url, k), t);
  // Checked before the first look: a campaign that cannot be given more sessions is bad input
  // even when the first look would have resolved it (the flag promised rounds it cannot run).
  as_usage_errors([&] { engine::check_extendable(url, k); });
  if (f.resolve_baseline) check_baseline_extendable(url, b, k);
  int current = 0, base_current = 0;
  std::string base_target;
  {
    storage::connection c(url);
    current = storage::campaign_repository(c).find(k).value().total_sessions;
    const auto base = storage::campaign_repository(c).find(b).value();
    base_current = base.total_sessions;
    base_target = base.target_url;
  }
  const int round = f.round_sessions != compare_flags::unset ? f.round_sessions : current;
  analytics::look_plan plan;
  try {
    plan = analytics::plan_looks(current, f.max_sessions, round, t.confidence);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  plan.until_paths = f.resolve_paths;
  spdlog::info("resolve: up to {} looks ({} -> {} candidate sessions, rounds of {}), each at "
               "confidence {:.4g} (Bonferroni over looks of {})",
               plan.looks, plan.first_sessions, plan.max_sessions, plan.round_sessions,
               plan.per_look_confidence(), t.confidence);
  if (f.resolve_baseline)
    spdlog::info("resolve: the baseline grows with it, {} -> up to {} sessions, against {}",
                 base_current, std::max(base_current, f.max_sessions), origin_of(base_target));
  const auto baseline = summary_of(url, b);
  const auto last = analytics::resolve(
      baseline, summary_of(url, k), plan, t,
      [&](int add) -> analytics::grown {
        as_usage_errors([&] { engine::extend_campaign(url, k, add); });
        run(k);
        // The baseline's round after the candidate's, up to the same cap; once there, the
        // baseline stays as it is and only the candidate grows.
        const int base_add = std::min(add, f.max_sessions - base_current);
        if (!f.resolve_baseline || base_add <= 0) return summary_of(url, k);
        as_usage_errors([&] { engine::extend_campaign(url, b, base_add); });
        run(b);
        base_current += base_add;
        return {summary_of(url, k), summary_of(url, b)};
      },
      [](const analytics::resolve_look& l) {
        std::fprintf(stderr, "%s\n", analytics::describe_look(l).c_str());
        std::fflush(stderr);
      });
  return last.result;
}

void write_comparison(const analytics::comparison& c, const compare_flags& f) {
  for (const auto& w : c.warnings) spdlog::warn("{}", w);
  std::string text;
  if (f.format == "json")
    text = comparison_json(c).dump(2) + "\n";
  else if (f.format == "html")
    text = analytics::render_comparison_html(c);
  else if (f.format == "junit")
    text = analytics::render_comparison_junit(c);
  else
    text = render_comparison(c);
  write_output(text, f.output);
}

int comparison_exit_code(const analytics::comparison& c, const compare_flags& f) {
  switch (c.result) {
    case analytics::outcome::regressed: return verdict_failed;
    case analytics::outcome::inconclusive:
      if (f.inconclusive == "pass") return ok;
      if (f.inconclusive == "fail") return verdict_failed;
      return verdict_inconclusive;
    case analytics::outcome::pass: break;
  }
  return ok;
}

}  // namespace footfall::cli
