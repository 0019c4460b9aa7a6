// compare and run --compare-to: the comparison of two stored campaigns, sampled until resolved
// with --resolve (issue 22 item 4; the error control is analytics/sequential.hpp's).
#include "engine/cli/compare_resolve.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

#include "analytics/sequential.hpp"
#include "engine/campaign/campaign_setup.hpp"
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
      "--resolve starts)");
}

void check_compare_flags(const compare_flags& f) {
  if (f.format != "table" && f.format != "json" && f.format != "html" && f.format != "junit")
    throw usage_error("--format: '" + f.format + "' is not one of table, json, html, junit");
  if (!f.inconclusive.empty() && f.inconclusive != "pass" && f.inconclusive != "fail")
    throw usage_error("--inconclusive: '" + f.inconclusive + "' is not one of pass, fail");
  constexpr int unset = compare_flags::unset;
  if (f.resolve && f.max_sessions == unset)
    throw usage_error("--resolve: needs --max-sessions N (the candidate's total it may reach)");
  if (!f.resolve && (f.max_sessions != unset || f.round_sessions != unset))
    throw usage_error(std::string(f.max_sessions != unset ? "--max-sessions" : "--round-sessions") +
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

}  // namespace

analytics::comparison compare_campaigns(const std::string& url, const storage::uuid& b,
                                        const storage::uuid& k, const analytics::thresholds& t,
                                        const compare_flags& f, const run_pending& run) {
  if (!f.resolve) return analytics::compare(summary_of(url, b), summary_of(url, k), t);
  // Checked before the first look: a campaign that cannot be given more sessions is bad input
  // even when the first look would have resolved it (the flag promised rounds it cannot run).
  as_usage_errors([&] { engine::check_extendable(url, k); });
  int current = 0;
  {
    storage::connection c(url);
    current = storage::campaign_repository(c).find(k).value().total_sessions;
  }
  const int round = f.round_sessions != compare_flags::unset ? f.round_sessions : current;
  analytics::look_plan plan;
  try {
    plan = analytics::plan_looks(current, f.max_sessions, round, t.confidence);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  spdlog::info("resolve: up to {} looks ({} -> {} candidate sessions, rounds of {}), each at "
               "confidence {:.4g} (Bonferroni over looks of {})",
               plan.looks, plan.first_sessions, plan.max_sessions, plan.round_sessions,
               plan.per_look_confidence(), t.confidence);
  const auto baseline = summary_of(url, b);
  const auto last = analytics::resolve(
      baseline, summary_of(url, k), plan, t,
      [&](int add) {
        as_usage_errors([&] { engine::extend_campaign(url, k, add); });
        run(k);
        return summary_of(url, k);
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
