// footfall run CAMPAIGN.json|CAMPAIGN_ID, footfall worker CAMPAIGN_ID
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <spdlog/spdlog.h>

#include "engine/browsers/launch_flags.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "engine/campaign/campaign_setup.hpp"
#include "engine/cli/browser_flags.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/compare_resolve.hpp"
#include "engine/cli/database.hpp"
#include "engine/cli/flag_rules.hpp"
#include "engine/cli/metrics_flags.hpp"
#include "engine/cli/progress.hpp"
#include "engine/config/config.hpp"
#include "engine/persona/links.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"

namespace footfall::cli {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct run_flags {
  engine::database_options db;
  std::string campaign;
  int browsers = 0;
  int contexts = 0;
  double pace = -1;
  bool headed = false;
  int slow_mo = 0;
  std::string target_url;
  std::string screenshot_dir;
  bool json = false;
  bool no_progress = false;
  bool trace = false;
  double lease_s = 0;
  double outage_budget_s = 300;
  double drain_s = 20;
  std::string campaign_file;
  metrics_flags metrics;
  browser_flags browser;
  std::string compare_to;  ///< run --compare-to BASELINE: judge the run against it afterwards
  compare_flags compare;
};

/// The pool defaults of this machine for both browsers, explained for --help (engine::size_pool
/// with each browser's measured costs).
std::string pool_default_text(bool browsers) {
  const auto m = engine::this_machine();
  const auto full = engine::visitor_costs_for(cdp::browser_kind::chromium);
  const auto shell = engine::visitor_costs_for(cdp::browser_kind::headless_shell);
  const auto pf = engine::size_pool(m, full), ps = engine::size_pool(m, shell);
  char buf[600];
  std::snprintf(buf, sizeof buf,
                "(default here: %d with chromium, %d with headless-shell; sized for human-paced "
                "visitors from %u cores and %.1f GiB available at %.1f / %.1f CPU s per "
                "visitor-minute and %.0f / %.0f MiB per visitor (+ %.0f / %.0f MiB per browser), "
                "chromium / headless-shell, measured by bench/capacity)",
                browsers ? pf.browsers : pf.contexts_per_browser,
                browsers ? ps.browsers : ps.contexts_per_browser, m.cores, m.available_mib / 1024,
                full.cpu_s_per_visitor_minute, shell.cpu_s_per_visitor_minute,
                full.mib_per_visitor, shell.mib_per_visitor, full.mib_per_browser,
                shell.mib_per_browser);
  return buf;
}

/// The campaign's "browser" (campaign settings), if it names one.
std::optional<cdp::browser_kind> campaign_browser(const std::string& url, const storage::uuid& id) {
  storage::connection c(url);
  const auto camp = storage::campaign_repository(c).find(id).value();
  return cdp::parse_browser_kind(engine::campaign_settings::from_json(camp.settings).browser);
}

void add_run_flags(po::options_description& d, run_flags& f) {
  static const std::string browsers_help = "Chromium processes " + pool_default_text(true);
  static const std::string contexts_help =
      "isolated browser contexts (visitors) per process " + pool_default_text(false);
  d.add_options()("browsers", ranged(&f.browsers, "browsers", 1, 256)->value_name("N"),
                  browsers_help.c_str())(
      "contexts-per-browser", ranged(&f.contexts, "contexts-per-browser", 1, 256)->value_name("N"),
      contexts_help.c_str())(
      "pace", ranged(&f.pace, "pace", 0.0, 100.0)->value_name("X"),
      "timing scale: 1 human (default: the campaign's), 0 as fast as the browser allows")(
      "headed", po::bool_switch(&f.headed),
      "show the browser windows (needs DISPLAY; full Chromium only)")(
      "slow-mo", ranged(&f.slow_mo, "slow-mo", 0, 60'000)->value_name("MS"),
      "extra pause before every action")(
      "screenshot-dir", po::value(&f.screenshot_dir)->value_name("DIR"),
      "where screenshots of failed sessions go (default $TMPDIR/footfall-screenshots)")(
      "json", po::bool_switch(&f.json), "print the summary as JSON")(
      "no-progress", po::bool_switch(&f.no_progress), "no progress line / progress logs")(
      "trace", po::bool_switch(&f.trace),
      "store every session's trace: a frame after each action (<= 40 frames, 1 MiB) and its "
      "page errors; without it only failed sessions' traces (errors + last frame) are stored")(
      "lease-s", ranged(&f.lease_s, "lease-s", 0.5, double(engine::max_lease_s))->value_name("S"),
      "lease of each claimed session, renewed by heartbeat; a worker silent this long loses its "
      "sessions to the others (default: the campaign's lease_s, 30)")(
      "outage-budget-s",
      ranged(&f.outage_budget_s, "outage-budget-s", 0.0, 86400.0)->value_name("S"),
      "how long to wait out a database outage before giving up (default 300)")(
      "drain-s", ranged(&f.drain_s, "drain-s", 1.0, 3600.0)->value_name("S"),
      "on SIGTERM/SIGINT: stop claiming and exit within S seconds (default 20, under "
      "Kubernetes' 30 s grace period): sessions not finished by then are left for their leases "
      "to lapse and another worker to run; what the database cannot take is spooled");
  add_browser_flags(d, f.browser);
  engine::add_database_flags(d, f.db);
  add_metrics_flags(d, f.metrics);
}

engine::run_options make_options(const run_flags& f, const std::string& url,
                                 std::optional<cdp::browser_kind> configured) {
  engine::run_options o;
  o.database_url = url;
  // Ranges are checked as the flags are parsed (ranged()); 0 and -1 here mean "not given".
  o.pool.launch = resolve_launch(f.browser, configured, f.headed);
  // The pool is sized for the browser it runs (the shell costs less per visitor).
  const auto sized = engine::size_pool(engine::this_machine(),
                                       engine::visitor_costs_for(o.pool.launch.browser));
  o.pool.browsers = f.browsers > 0 ? f.browsers : sized.browsers;
  o.pool.contexts_per_browser = f.contexts > 0 ? f.contexts : sized.contexts_per_browser;
  if (f.pace >= 0) o.pace = f.pace;
  if (f.lease_s > 0) o.lease = std::chrono::milliseconds(static_cast<long>(f.lease_s * 1000));
  o.outage.budget = std::chrono::milliseconds(static_cast<long>(f.outage_budget_s * 1000));
  o.drain = std::chrono::milliseconds(static_cast<long>(f.drain_s * 1000));
  o.slow_mo_ms = f.slow_mo;
  if (f.trace) o.trace = engine::trace_mode::full;
  // Scrollbars and audio are off in every headless driver; instant scrolling keeps the page's
  // state the same for the same input (a journey depends on where things are).
  o.pool.launch.extra_args = engine::session_launch_args();
  const char* tmp = std::getenv("TMPDIR");
  o.screenshot_dir = f.screenshot_dir.empty()
                         ? fs::path(tmp && *tmp ? tmp : "/tmp") / "footfall-screenshots"
                         : fs::path(f.screenshot_dir);
  return o;
}


/// Runs the campaign's pending sessions with `f`'s pool and pace (a --resolve round): no
/// progress line, the summary on stderr; an interrupted or failed round ends the command.
void run_round(const run_flags& f, const std::string& url, const storage::uuid& id) {
  auto o = make_options(f, url, campaign_browser(url, id));
  const auto summary = as_usage_errors([&] { return engine::run_campaign(id, std::move(o), true); });
  std::fprintf(stderr, "%s", engine::format_summary(summary).c_str());
  if (summary.interrupted)
    throw std::runtime_error("--resolve: interrupted while running a round of campaign " +
                             id.str());
  if (summary.campaign_status != storage::campaign_status::completed)
    throw std::runtime_error("--resolve: campaign " + id.str() + " ended " +
                             std::string(storage::to_string(summary.campaign_status)) +
                             " after a round");
}

/// The candidate's session count before the run: its file's total_sessions, or the stored one.
int sessions_before_run(const run_flags& f, const std::string& url, bool from_file) {
  if (from_file) return engine::load_campaign_file(f.campaign).campaign.total_sessions;
  storage::connection c(url);
  return storage::campaign_repository(c).find(campaign_ref(c, f.campaign)).value().total_sessions;
}

int run_common(const run_flags& f, bool from_file_allowed, bool resume_paused) {
  // A bad --browser (or --headed with the shell) is refused before any campaign is created.
  if (!f.browser.browser.empty()) resolve_launch(f.browser, std::nullopt, f.headed);
  const auto url = engine::open_database(f.db);
  // --compare-to: everything about the comparison is checked before anything runs.
  std::optional<storage::uuid> baseline;
  if (!f.compare_to.empty()) {
    check_compare_flags(f.compare);
    read_thresholds(f.compare.thresholds_file);
    baseline = campaign_ref(url, f.compare_to);
    const bool from_file = f.campaign_file.empty() && from_file_allowed &&
                           (f.campaign.ends_with(".json") || fs::is_regular_file(f.campaign));
    if (f.compare.resolve) {  // check_compare_flags made sure max_sessions >= 1
      const int n = as_usage_errors([&] { return sessions_before_run(f, url, from_file); });
      if (f.compare.max_sessions < n)
        throw usage_error("--max-sessions: " + std::to_string(f.compare.max_sessions) +
                          " is below the campaign's " + std::to_string(n) +
                          " sessions (it caps the candidate's total)");
    }
  } else if (f.compare.resolve || !f.compare.thresholds_file.empty() ||
             !f.compare.inconclusive.empty() || f.compare.max_sessions != compare_flags::unset ||
             f.compare.round_sessions != compare_flags::unset || f.compare.resolve_baseline ||
             f.compare.resolve_paths) {
    throw usage_error("--resolve, --max-sessions, --round-sessions, --resolve-baseline, "
                      "--resolve-paths, --thresholds and --inconclusive: apply with --compare-to "
                      "BASELINE only");
  }
  storage::uuid id;
  if (!f.campaign_file.empty()) {
    id = create_campaign_from_file(url, f.campaign_file, f.target_url, true).id;
  } else if (from_file_allowed &&
             (f.campaign.ends_with(".json") || fs::is_regular_file(f.campaign))) {
    id = create_campaign_from_file(url, f.campaign, f.target_url, false).id;
  } else {
    if (!f.target_url.empty()) throw usage_error("--target-url applies to a campaign file only");
    id = campaign_ref(url, f.campaign);
    storage::connection c(url);
    engine::materialize_sessions(url, storage::campaign_repository(c).find(id).value());
  }
  // Before any session is claimed: a browser that cannot run is bad input (exit 2).
  auto o = make_options(f, url, campaign_browser(url, id));
  if (!f.no_progress) {
    storage::connection c(url);
    const auto campaign = storage::campaign_repository(c).find(id).value();
    auto reporter = std::make_shared<engine::progress_reporter>(campaign.name, campaign.total_sessions);
    o.progress = [reporter](const storage::session_counts& counts, engine::run_counters& rc,
                            storage::campaign_status status, bool stopping, bool final) {
      if (final)
        reporter->finish(counts, rc, status, stopping);
      else
        reporter->update(counts, rc, status, stopping);
    };
  }
  metrics_endpoint metrics(f.metrics, o);
  const auto summary =
      as_usage_errors([&] { return engine::run_campaign(id, std::move(o), resume_paused); });
  const bool failed =
      summary.campaign_status == storage::campaign_status::failed && !summary.interrupted;
  if (!baseline || failed || summary.interrupted) {
    if (f.json)
      std::cout << engine::summary_json(summary).dump(2) << "\n";
    else
      std::cout << engine::format_summary(summary);
    std::cout.flush();
  }
  metrics.linger();
  if (failed) {
    spdlog::error("campaign {} failed: no session completed", summary.campaign_id.str());
    return runtime_failure;
  }
  if (!baseline || summary.interrupted) return ok;
  if (*baseline == id)
    throw usage_error("--compare-to: '" + f.compare_to + "' is the campaign just run (" +
                      id.str() + "); pass the baseline's id");
  // --compare-to: the run's campaign is the candidate; the exit code is compare's.
  const auto result = compare_campaigns(url, *baseline, id, read_thresholds(f.compare.thresholds_file),
                                        f.compare, [&](const storage::uuid& k) {
                                          run_round(f, url, k);
                                        });
  if (f.json) {
    std::cout << nlohmann::json{{"run", engine::summary_json(summary)},
                                {"comparison", analytics::comparison_json(result)}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << engine::format_summary(summary) << "\n";
    write_comparison(result, f.compare);
  }
  std::cout.flush();
  return comparison_exit_code(result, f.compare);
}

}  // namespace

void run_pending_sessions(const storage::uuid& id, const std::string& database_url) {
  run_flags f;
  f.no_progress = true;
  run_round(f, database_url, id);
}

int cmd_run(const args& a) {
  run_flags f;
  po::options_description d("footfall run");
  d.add_options()("campaign", po::value(&f.campaign)->required(), "campaign file or id/name")(
      "target-url", po::value(&f.target_url)->value_name("URL"), "override the file's target_url")(
      "compare-to", po::value(&f.compare_to)->value_name("BASELINE"),
      "after the run, compare it (the candidate) with campaign BASELINE and exit with compare's "
      "code (0 pass, 1 regressed, 4 inconclusive); --resolve samples until resolved");
  add_run_flags(d, f);
  add_compare_flags(d, f.compare);
  if (!parse_flags(a, d, {"campaign"},
                   "usage: footfall run CAMPAIGN.json|CAMPAIGN_ID [--browsers N] "
                   "[--contexts-per-browser N] [--pace X] [--headed] [--slow-mo MS] "
                   "[--database-url URL] [--json]\n"
                   "Creates the campaign (from a file), materializes its sessions and runs them; "
                   "prints a summary. SIGTERM/SIGINT: stop claiming, finish running sessions, "
                   "exit 0 (again: abort them).\n"
                   "       footfall run CAMPAIGN --compare-to BASELINE [--thresholds FILE] "
                   "[--inconclusive pass|fail] [--resolve --max-sessions N [--round-sessions K]]\n"
                   "--compare-to: after the run, judges it against BASELINE as `footfall compare "
                   "BASELINE THIS_RUN` does and exits with its code (0 pass, 1 regressed, 4 "
                   "inconclusive); with --json one document {run, comparison}. --resolve: while "
                   "INCONCLUSIVE and the run's campaign has fewer than N sessions, adds rounds of "
                   "K sessions (default: its session count) with the same config and fresh seeds, "
                   "runs them with these flags and judges again, each look at confidence "
                   "1 - (1 - confidence)/L over the L looks planned (see `footfall compare --help`)."))
    return ok;
  return run_common(f, true, true);
}

int cmd_worker(const args& a) {
  run_flags f;
  po::options_description d("footfall worker");
  d.add_options()("campaign", po::value(&f.campaign), "campaign id or name")(
      "campaign-file", po::value(&f.campaign_file)->value_name("FILE"),
      "create the file's campaign unless one of its name exists (race-free), then join it: "
      "every pod of an Indexed Job starts with the same command")(
      "target-url", po::value(&f.target_url)->value_name("URL"),
      "with --campaign-file: override the file's target_url");
  add_run_flags(d, f);
  if (!parse_flags(a, d, {"campaign"},
                   "usage: footfall worker CAMPAIGN_ID|--campaign-file FILE [--browsers N] "
                   "[--contexts-per-browser N] [--pace X] [--lease-s S] [--outage-budget-s S] "
                   "[--database-url URL] [--json]\n"
                   "Joins a campaign: claims pending sessions with a lease until every session "
                   "has ended; many workers may share one campaign, and the sessions of a worker "
                   "that dies are reclaimed by the others once its leases expire. Waits while "
                   "the campaign is paused and while the database is down (--outage-budget-s)."))
    return ok;
  if (f.campaign.empty() == f.campaign_file.empty())
    throw usage_error("worker: give a campaign id/name or --campaign-file FILE (one of them)");
  return run_common(f, false, false);
}

}  // namespace footfall::cli
