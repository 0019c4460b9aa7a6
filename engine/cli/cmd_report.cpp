// footfall analytics | report | compare: analytics, reports and regression verdicts (issue 5).
#include <spdlog/spdlog.h>

#include <boost/program_options.hpp>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analytics/compare.hpp"
#include "analytics/recompute.hpp"
#include "analytics/report.hpp"
#include "analytics/session_page.hpp"
#include "analytics/session_waterfall.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/compare_resolve.hpp"
#include "engine/cli/database.hpp"
#include "storage/analytics_queries.hpp"
#include "storage/errors.hpp"
#include "storage/page_health_queries.hpp"
#include "storage/repositories.hpp"
#include "storage/traces.hpp"

namespace po = boost::program_options;

namespace footfall::cli {

/// Loads a campaign's report, computing its analytics first when they were never computed.
analytics::campaign_report load_report(storage::connection& c, const storage::uuid& id,
                                       bool recompute, bool page_health) {
  if (recompute || !storage::load_campaign_analytics(c, id)) analytics::recompute_campaign(c, id);
  auto r = analytics::build_report(storage::load_campaign_dataset(c, id));
  if (!page_health) return r;
  r.health = analytics::build_page_health(storage::load_visit_vitals(c, id),
                                          storage::load_failed_requests(c, id, 20),
                                          storage::load_slowest_requests(c, id, 10));
  return r;
}

void write_output(const std::string& text, const std::string& file) {
  if (file.empty() || file == "-") {
    std::cout << text;
    return;
  }
  std::ofstream out(file, std::ios::binary);
  if (!out) throw usage_error("-o: cannot write '" + file + "'");
  out << text;
  if (!out.flush()) throw std::runtime_error("-o: writing '" + file + "' failed");
  spdlog::info("report written: file={} bytes={}", file, text.size());
}

namespace {

/// The session page of one session of the campaign (issue 13): its trace and its actions.
std::string session_page(storage::connection& c, const storage::uuid& campaign,
                         const std::string& session) {
  const auto id = storage::uuid::parse(session);
  if (!id) throw usage_error("--session: '" + session + "' is not a session id (a UUID)");
  storage::traced_session s;
  try {
    s = storage::load_traced_session(c, *id);
  } catch (const storage::not_found_error&) {
    throw usage_error("--session: no session " + session);
  }
  if (s.row.campaign_id != campaign)
    throw usage_error("--session: session " + session + " belongs to campaign " +
                      s.row.campaign_id.str() + ", not " + campaign.str());
  const auto trace = storage::load_trace(c, *id);
  if (!trace) spdlog::warn("session {} has no stored trace: its actions only", session);
  auto page = analytics::render_session_page(s, trace ? &*trace : nullptr);
  // Page health: each visit's request waterfall, at the end of the page (issue 21).
  const auto waterfall = analytics::render_waterfall_html(
      storage::visit_repository(c).page_visits(*id), storage::load_session_requests(c, *id));
  if (const auto end = page.rfind("</body>"); end != std::string::npos)
    page.insert(end, waterfall);
  return page;
}

int analytics_recompute(const args& a) {
  engine::database_options db;
  std::string campaign;
  bool json = false, no_rollups = false;
  po::options_description desc("options");
  desc.add_options()("campaign", po::value(&campaign)->required(),
                     "campaign id or name (a reused name means the latest)")(
      "no-rollups", po::bool_switch(&no_rollups), "do not rebuild the campaign's rollups")(
      "json", po::bool_switch(&json), "print the result as JSON");
  engine::add_database_flags(desc, db);
  if (!parse_flags(a, desc, {"campaign"},
                   "usage: footfall analytics recompute CAMPAIGN [--no-rollups] [--json]\n"
                   "Recomputes session_analytics and campaign_analytics of every session of the\n"
                   "campaign, set-based, and rebuilds its minute/hour/day rollups."))
    return ok;
  storage::connection c(engine::open_database(db));
  const auto id = campaign_ref(c, campaign);
  const auto r = analytics::recompute_campaign(c, id, {}, !no_rollups);
  if (json) {
    std::cout << nlohmann::json{{"campaign_id", id.str()},      {"sessions", r.sessions},
                                {"page_visits", r.page_visits}, {"actions", r.actions},
                                {"rollup_rows", r.rollup_rows}, {"load_s", r.load_s},
                                {"compute_s", r.compute_s},     {"write_s", r.write_s},
                                {"rollup_s", r.rollup_s}}
                     .dump(2)
              << "\n";
  } else {
    std::printf(
        "recomputed campaign %s: %d sessions, %lld page visits, %lld actions, "
        "%lld rollup rows in %.3f s (load %.3f, compute %.3f, write %.3f, rollups %.3f)\n",
        id.str().c_str(), r.sessions, static_cast<long long>(r.page_visits),
        static_cast<long long>(r.actions), static_cast<long long>(r.rollup_rows),
        r.load_s + r.compute_s + r.write_s + r.rollup_s, r.load_s, r.compute_s, r.write_s,
        r.rollup_s);
  }
  return ok;
}

int analytics_rollup(const args& a) {
  engine::database_options db;
  po::options_description desc("options");
  engine::add_database_flags(desc, db);
  if (!parse_flags(
          a, desc, {},
          "usage: footfall analytics rollup\n"
          "Refreshes the minute/hour/day rollups incrementally (buckets touched since the last\n"
          "refresh, minus a lateness allowance) and applies their retention. Run it from cron\n"
          "or after a campaign."))
    return ok;
  storage::connection c(engine::open_database(db));
  std::printf("rollups refreshed: %lld rows written\n",
              static_cast<long long>(storage::refresh_rollups(c)));
  return ok;
}

}  // namespace

int cmd_analytics(const args& a) {
  const char* usage =
      "usage: footfall analytics SUBCOMMAND [flags]\n\n"
      "  recompute CAMPAIGN   recompute session and campaign analytics and rollups\n"
      "  rollup               refresh the time rollups incrementally\n";
  if (a.empty()) throw usage_error("missing subcommand (recompute, rollup); see --help");
  if (a[0] == "--help" || a[0] == "-h") {
    std::cout << usage;
    return ok;
  }
  const args rest(a.begin() + 1, a.end());
  if (a[0] == "recompute") return analytics_recompute(rest);
  if (a[0] == "rollup") return analytics_rollup(rest);
  throw usage_error("unknown subcommand '" + a[0] + "' (recompute, rollup)");
}

int cmd_report(const args& a) {
  engine::database_options db;
  std::string campaign, format = "table", output, session;
  bool recompute = false;
  po::options_description desc("options");
  desc.add_options()("campaign", po::value(&campaign)->required(),
                     "campaign id or name (a reused name means the latest)")(
      "format,f", po::value(&format)->default_value("table"), "table, json, html or junit")(
      "output,o", po::value(&output), "write to FILE instead of stdout")(
      "recompute", po::bool_switch(&recompute), "recompute the analytics first")(
      "session", po::value(&session)->value_name("ID"),
      "with --format html: the session page of one session (its trace and actions)");
  engine::add_database_flags(desc, db);
  if (!parse_flags(
          a, desc, {"campaign"},
          "usage: footfall report CAMPAIGN [--format table|json|html|junit] [-o FILE]\n"
          "       footfall report CAMPAIGN --format html --session ID [-o FILE]\n"
          "Reports a campaign. html is one self-contained page (no network) with charts;\n"
          "junit has one testcase per session, failed/timed-out sessions failing with their\n"
          "error message, the command for their session page and `footfall replay ID`.\n"
          "--session: one session's page: its filmstrip (stored for failed sessions and for\n"
          "--trace runs), each action over the frame it happened on, page errors inline.\n"
          "Analytics are computed first if they never were."))
    return ok;
  if (format != "table" && format != "json" && format != "html" && format != "junit")
    throw usage_error("--format: '" + format + "' is not one of table, json, html, junit");
  if (!session.empty() && format != "html")
    throw usage_error("--session: needs --format html (the session page is HTML)");
  storage::connection c(engine::open_database(db));
  if (!session.empty()) {
    write_output(session_page(c, campaign_ref(c, campaign), session), output);
    return ok;
  }
  auto report = load_report(c, campaign_ref(c, campaign), recompute);
  if (format == "junit")
    for (const auto& id : storage::traced_sessions(c, report.data.info.id))
      report.traced_sessions.push_back(id.str());
  std::string text;
  if (format == "table")
    text = analytics::render_table(report);
  else if (format == "json")
    text = analytics::render_json(report).dump(2) + "\n";
  else if (format == "html")
    text = analytics::render_html(report);
  else
    text = analytics::render_junit(report);
  write_output(text, output);
  return ok;
}

int cmd_compare(const args& a) {
  engine::database_options db;
  std::string baseline, candidate;
  compare_flags cf;
  bool json = false;
  po::options_description desc("options");
  desc.add_options()("baseline", po::value(&baseline)->required(),
                     "baseline campaign (id or name)")(
      "candidate", po::value(&candidate)->required(), "candidate campaign (id or name)")(
      "format,f", po::value(&cf.format)->default_value("table"), "table, json, html or junit")(
      "output,o", po::value(&cf.output), "write to FILE instead of stdout")(
      "json", po::bool_switch(&json), "the same as --format json");
  add_compare_flags(desc, cf);
  engine::add_database_flags(desc, db);
  po::positional_options_description pos;
  pos.add("baseline", 1).add("candidate", 1);
  po::variables_map vm;
  const std::string usage =
      "usage: footfall compare BASELINE CANDIDATE [--thresholds FILE]\n"
      "                        [--format table|json|html|junit] [-o FILE] [--inconclusive pass|fail]\n"
      "                        [--resolve --max-sessions N [--round-sessions K]]\n"
      "The nightly regression verdict, one of three:\n"
      "  PASS (exit 0)          nothing regressed and the campaign-wide load interval stays below\n"
      "                         its limit;\n"
      "  REGRESSED (exit 1)     some row's whole interval lies beyond its limit on the worse side;\n"
      "  INCONCLUSIVE (exit 4)  nothing regressed, but the campaign-wide load interval still\n"
      "                         reaches past its limit (or could not be computed): the line says\n"
      "                         why and about how many more sessions per side would resolve it.\n"
      "--inconclusive pass|fail maps INCONCLUSIVE to exit 0 or 1 for suites with two outcomes.\n"
      "The campaign-wide load row ('load_p50_change_pct', 'all paths') pools every path: a van\n"
      "Elteren stratified rank test on log load times, each visit ranked only against visits of\n"
      "its own path, with the common relative change and its interval, judged against\n"
      "load_p50_increase_pct and load_p50_increase_ms (over the baseline's median page). Per-path\n"
      "rows stay as detail, and the paths that moved are named. Each row's change comes with an\n"
      "interval: load p50 per URL path (Hodges-Lehmann shift, Mann-Whitney interval), load p95\n"
      "(order statistics), success rate (Newcombe), console errors and failed requests per page\n"
      "(bootstrap over sessions), rhythm and detection scores (per session). All judged rows hold\n"
      "together at `confidence` (weighted Bonferroni: half the error rate to the campaign-wide\n"
      "row, a quarter shared by the per-path load p50 rows, a quarter by the rest).\n"
      "Page health: LCP, INP and CLS at p75 per path (bootstrap of the p75 difference over\n"
      "visits) and campaign-wide (lcp_change_pct, inp_change_pct, cls_change: van Elteren, like\n"
      "loads), in the same family; a visit without a value (no interaction: no INP) is no sample.\n"
      "An inconclusive vital never makes the outcome INCONCLUSIVE unless require_vitals names it;\n"
      "a vital whose whole interval lies past its limit is REGRESSED. A URL (host + path, query\n"
      "ignored) that fails (no response, or status >= 400) in >= new_failed_url_min_visits\n"
      "candidate visits and never in the baseline is named; REGRESSED when it failed on a page\n"
      "the baseline visited too (whether the baseline requested it or not), info when only on\n"
      "pages the baseline never reached; none judged when the baseline recorded no requests.\n"
      "Too few samples: inconclusive, never a regression. 'detectable' is the smallest worsening\n"
      "the samples could call. Visits measured while footfall was saturated are compared only\n"
      "with saturated visits of the same path (campaign-wide, p50 rows); p95 rows leave them out.\n"
      "Campaigns of different target sites are compared with a warning.\n"
      "--resolve: sampling until resolved. While the verdict is INCONCLUSIVE and the candidate\n"
      "has fewer than --max-sessions N sessions, adds --round-sessions K more (default: its\n"
      "session count) to the CANDIDATE campaign with the same config and fresh seeds, runs them\n"
      "here (as `footfall run` would, its default pool) and judges again; one line per look on\n"
      "stderr, the last look's comparison on stdout, exit codes as above. Looking after every\n"
      "round would inflate false regressions, so every look is judged at confidence\n"
      "1 - (1 - confidence)/L, L = 1 + ceil((N - n0)/K) the looks planned (Bonferroni over looks:\n"
      "P(any false regression) <= 1 - confidence wherever it stops). Bad input (exit 2): the\n"
      "candidate not completed (still running, or failed), its stored config no longer valid or\n"
      "planning open-model arrivals, N < 1 or below its session count, --resolve without\n"
      "--max-sessions.\n"
      "html: one self-contained page (verdict, campaign-wide row, every row's interval drawn, what\n"
      "was left out and why); junit: one testcase per judged row and one for the verdict.\n"
      "Exit 0 pass, 1 regression, 2 bad input, 3 runtime failure, 4 inconclusive. See\n"
      "analytics/README.md. Default thresholds (a --thresholds file may set any; unknown fields\n"
      "are refused):\n" +
      analytics::thresholds{}.to_json().dump(2);
  if (!parse_flags(a, desc, pos, vm, usage)) return ok;
  if (json) {
    if (vm.count("format") && !vm["format"].defaulted() && cf.format != "json")
      throw usage_error("--json: conflicts with --format " + cf.format);
    cf.format = "json";
  }
  check_compare_flags(cf);
  const auto limits = read_thresholds(cf.thresholds_file);
  const auto url = engine::open_database(db);
  storage::uuid b, k;
  {
    storage::connection c(url);
    b = campaign_ref(c, baseline);
    k = campaign_ref(c, candidate);
  }
  if (b == k)
    throw usage_error("baseline '" + baseline + "' and candidate '" + candidate +
                      "' are the same campaign (" + b.str() + "); pass two campaigns' ids");
  const auto result = compare_campaigns(url, b, k, limits, cf, [&](const storage::uuid& id) {
    run_pending_sessions(id, url);
  });
  write_comparison(result, cf);
  return comparison_exit_code(result, cf);
}

}  // namespace footfall::cli
