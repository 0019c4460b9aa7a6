// compare --resolve and run --compare-to on real campaigns (issue 22 item 4): the footfall binary
// runs small campaigns in Chromium against the fixture site, and --resolve must add a round of
// sessions to the candidate campaign in the database (same config, the next session indices),
// run them, and judge again at the plan's per-look confidence; run --compare-to must return
// compare's exit code. Thresholds that leave the verdict INCONCLUSIVE whatever the site does
// (min_samples above any campaign here) force the rounds, so the test never depends on timing.
// Bad input exits 2 saying why: a candidate still pending or running, stored settings that are
// no longer valid, --max-sessions missing, < 1 or below the candidate's count.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "storage/connection.hpp"
#include "storage/repositories.hpp"
#include "support/http_server.hpp"
#include "support/pg/pg_fixture.hpp"
#include "support/temp_dir.hpp"
#include "test/analytics/run_process.hpp"

using namespace footfall;
using nlohmann::json;

namespace {

test::run_result footfall_cli(const test::fresh_database& db, std::vector<std::string> args) {
  args.insert(args.begin(), FOOTFALL_BINARY);
  return test::run_unsaturated(db.url(), std::move(args), std::chrono::seconds(240));
}

/// A small campaign: `sessions` visitors, 2 at once, pace 0, 2-3 pages each (short runs).
std::string campaign_file(const test::temp_dir& dir, const std::string& name,
                          const std::string& target, int sessions) {
  const json c{{"name", name}, {"target_url", target}, {"total_sessions", sessions},
               {"concurrent_sessions", 2}, {"seed", 7}, {"rate_limit_delay_ms", 100},
               {"pace", 0}, {"session_timeout_s", 60},
               {"persona",
                {{"name", "resolve-cli"}, {"session_duration_min", 5},
                 {"session_duration_max", 30}, {"pages_min", 2}, {"pages_max", 3},
                 {"actions_per_page_min", 1}, {"actions_per_page_max", 2},
                 {"scroll_probability", 0.3}, {"click_probability", 0.9},
                 {"typing_probability", 0.0}}}};
  const auto file = dir.path() / (name + ".json");
  std::ofstream(file) << c.dump(2);
  return file.string();
}

storage::campaign campaign_named(const test::fresh_database& db, const std::string& name) {
  storage::connection c(db.url());
  for (const auto& k : storage::campaign_repository(c).list())
    if (k.name == name) return k;
  FAIL("no campaign " << name);
  return {};
}

/// Session indices and statuses of the campaign, from the database.
std::vector<storage::session_row> sessions_of(const test::fresh_database& db,
                                              const std::string& name) {
  storage::connection c(db.url());
  return storage::session_repository(c).list(campaign_named(db, name).id);
}

std::string write(const test::temp_dir& dir, const std::string& name, const json& j) {
  const auto f = dir.path() / name;
  std::ofstream(f) << j.dump();
  return f.string();
}

}  // namespace

TEST_CASE("cli compare --resolve adds rounds of sessions to the real candidate campaign" *
          doctest::timeout(600)) {
  test::fresh_database db;
  test::http_server site;
  test::temp_dir dir;
  const auto target = site.url("/journey/index.html");
  for (const auto* name : {"resolve-base", "resolve-cand"}) {
    const auto r = footfall_cli(db, {"run", campaign_file(dir, name, target, 3)});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
  }
  REQUIRE(sessions_of(db, "resolve-cand").size() == 3);
  // Never resolvable: the campaign-wide row needs more visits than any campaign here has.
  const auto strict = write(dir, "strict.json", {{"min_samples", 1000}});

  {  // bad input first: nothing may be added to the candidate by a refused command
    const auto no_max = footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--resolve"});
    CHECK(no_max.exit_code == 2);
    CHECK(no_max.err.find("--resolve: needs --max-sessions N") != std::string::npos);
    const auto zero = footfall_cli(
        db, {"compare", "resolve-base", "resolve-cand", "--resolve", "--max-sessions", "0"});
    CHECK(zero.exit_code == 2);
    CHECK(zero.err.find("--max-sessions: 0 must be >= 1") != std::string::npos);
    const auto below = footfall_cli(
        db, {"compare", "resolve-base", "resolve-cand", "--resolve", "--max-sessions", "2"});
    CHECK(below.exit_code == 2);
    CHECK(below.err.find("--max-sessions: 2 is below the candidate's 3 sessions") !=
          std::string::npos);
    const auto stray =
        footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--max-sessions", "9"});
    CHECK(stray.exit_code == 2);
    CHECK(stray.err.find("--max-sessions: applies with --resolve only") != std::string::npos);

    // A campaign created but never run (pending), then one still running, then one whose stored
    // settings are no longer valid.
    const auto created =
        footfall_cli(db, {"campaign", "create", campaign_file(dir, "resolve-idle", target, 3)});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    auto resolve_idle = [&] {
      return footfall_cli(db, {"compare", "resolve-base", "resolve-idle", "--resolve",
                               "--max-sessions", "6"});
    };
    const auto pending = resolve_idle();
    CHECK(pending.exit_code == 2);
    CHECK(pending.err.find("status: is pending: --resolve adds sessions to a finished campaign "
                           "only") != std::string::npos);
    db.exec("UPDATE campaigns SET status='running' WHERE name='resolve-idle'");
    const auto running = resolve_idle();
    CHECK(running.exit_code == 2);
    CHECK(running.err.find("status: is running") != std::string::npos);
    db.exec("UPDATE campaigns SET status='completed', settings = settings || "
            "'{\"pace\": -3}'::jsonb WHERE name='resolve-idle'");
    const auto invalid = resolve_idle();
    CHECK(invalid.exit_code == 2);
    CHECK(invalid.err.find("stored settings, cannot be run again here") != std::string::npos);
    CHECK(invalid.err.find("pace") != std::string::npos);
    CHECK(sessions_of(db, "resolve-idle").size() == 3);
    CHECK(sessions_of(db, "resolve-cand").size() == 3);
  }

  // 3 -> 5 sessions in rounds of 2: two looks planned, each at 1 - 0.01/2.
  const auto r = footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--resolve",
                                   "--max-sessions", "5", "--round-sessions", "2",
                                   "--thresholds", strict, "--json"});
  CHECK_MESSAGE(r.exit_code == 4, (r.out + r.err));
  for (std::size_t at = r.err.find("resolve: look"); at != std::string::npos;
       at = r.err.find("resolve: look", at + 1))
    MESSAGE(r.err.substr(at, r.err.find('\n', at) - at));
  CHECK(r.err.find("resolve: look 1/2, 3 candidate sessions, INCONCLUSIVE") != std::string::npos);
  CHECK(r.err.find("resolve: look 2/2, 5 candidate sessions, INCONCLUSIVE") != std::string::npos);
  CHECK(r.err.find("at confidence 0.995") != std::string::npos);
  const auto doc = json::parse(r.out);
  CHECK(doc["verdict"] == "inconclusive");
  // The database: the candidate has 5 sessions, the 2 new ones at the next indices (fresh
  // seeds), every one completed with its page visits recorded, and the campaign completed again.
  const auto rows = sessions_of(db, "resolve-cand");
  REQUIRE(rows.size() == 5);
  std::set<int> indices;
  for (const auto& s : rows) {
    indices.insert(s.session_index);
    CHECK(s.status == storage::session_status::completed);
  }
  CHECK(indices == std::set<int>{0, 1, 2, 3, 4});
  const auto cand = campaign_named(db, "resolve-cand");
  CHECK(cand.total_sessions == 5);
  CHECK(cand.status == storage::campaign_status::completed);
  {
    storage::connection c(db.url());
    storage::visit_repository visits(c);
    for (const auto& s : rows)
      if (s.session_index >= 3) CHECK(!visits.page_visits(s.id).empty());
  }
  // The comparison read the grown candidate: its sessions are the 5.
  const auto report = footfall_cli(db, {"report", "resolve-cand", "--format", "json"});
  REQUIRE(report.exit_code == 0);
  CHECK(json::parse(report.out)["analytics"]["total_sessions"] == 5);

  // At the cap already: one look, nothing added, --inconclusive maps the final outcome.
  const auto capped = footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--resolve",
                                        "--max-sessions", "5", "--thresholds", strict,
                                        "--inconclusive", "fail"});
  CHECK(capped.exit_code == 1);
  CHECK(capped.err.find("resolve: look 1/1, 5 candidate sessions") != std::string::npos);
  CHECK(sessions_of(db, "resolve-cand").size() == 5);

  // run --compare-to: the run is the candidate, compare's exit code comes back (INCONCLUSIVE
  // under the strict thresholds, mapped by --inconclusive; a 2-session run could pass no limit),
  // after the run's own summary.
  const auto mapped = footfall_cli(db, {"run", campaign_file(dir, "resolve-run", target, 2),
                                        "--compare-to", "resolve-base", "--thresholds", strict,
                                        "--inconclusive", "fail"});
  CHECK_MESSAGE(mapped.exit_code == 1, (mapped.out + mapped.err));
  CHECK(mapped.out.find("candidate: resolve-run") != std::string::npos);
  CHECK(mapped.out.find("verdict: INCONCLUSIVE") != std::string::npos);
  CHECK(mapped.out.find("wall time") < mapped.out.find("verdict:"));
  // ... and with --resolve, the same loop on the run's campaign (2 -> 3 sessions).
  const auto grown = footfall_cli(
      db, {"run", campaign_file(dir, "resolve-run2", target, 2), "--compare-to", "resolve-base",
           "--thresholds", strict, "--resolve", "--max-sessions", "3", "--round-sessions", "1"});
  CHECK_MESSAGE(grown.exit_code == 4, (grown.out + grown.err));
  CHECK(grown.err.find("resolve: look 2/2, 3 candidate sessions") != std::string::npos);
  CHECK(sessions_of(db, "resolve-run2").size() == 3);
  // Bad input before anything runs: --max-sessions below the file's sessions, --resolve alone.
  const auto run_below = footfall_cli(
      db, {"run", campaign_file(dir, "resolve-run3", target, 2), "--compare-to", "resolve-base",
           "--resolve", "--max-sessions", "1"});
  CHECK(run_below.exit_code == 2);
  CHECK(run_below.err.find("--max-sessions: 1 is below the campaign's 2 sessions") !=
        std::string::npos);
  const auto run_stray =
      footfall_cli(db, {"run", campaign_file(dir, "resolve-run4", target, 2), "--resolve"});
  CHECK(run_stray.exit_code == 2);
  {
    storage::connection c(db.url());
    for (const auto& k : storage::campaign_repository(c).list())
      CHECK((k.name != "resolve-run3" && k.name != "resolve-run4"));  // never created
  }

  // --resolve-baseline: the baseline grows too, on its own site (two deployments side by side:
  // a second server of the same pages). Refused, before anything runs, when both campaigns
  // target one site (its old version is gone) and without --resolve.
  const auto same_site = footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--resolve",
                                           "--max-sessions", "9", "--resolve-baseline"});
  CHECK(same_site.exit_code == 2);
  CHECK(same_site.err.find("--resolve-baseline: both campaigns target " + site.url("")) !=
        std::string::npos);
  const auto alone =
      footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--resolve-baseline"});
  CHECK(alone.exit_code == 2);
  CHECK(alone.err.find("--resolve-baseline: applies with --resolve only") != std::string::npos);
  const auto paths_alone =
      footfall_cli(db, {"compare", "resolve-base", "resolve-cand", "--resolve-paths"});
  CHECK(paths_alone.exit_code == 2);
  CHECK(paths_alone.err.find("--resolve-paths: applies with --resolve only") !=
        std::string::npos);
  CHECK(sessions_of(db, "resolve-base").size() == 3);
  test::http_server old_site;
  const auto old_run = footfall_cli(
      db, {"run", campaign_file(dir, "resolve-old", old_site.url("/journey/index.html"), 3)});
  REQUIRE_MESSAGE(old_run.exit_code == 0, (old_run.out + old_run.err));
  // The candidate has 5: rounds of 2 to 7 (2 looks), the baseline 3 -> 5 beside it.
  const auto both = footfall_cli(db, {"compare", "resolve-old", "resolve-cand", "--resolve",
                                      "--max-sessions", "7", "--round-sessions", "2",
                                      "--resolve-baseline", "--thresholds", strict});
  CHECK_MESSAGE(both.exit_code == 4, (both.out + both.err));
  CHECK(both.err.find("resolve: look 2/2, 7 candidate sessions (5 baseline), INCONCLUSIVE") !=
        std::string::npos);
  const auto old_rows = sessions_of(db, "resolve-old");
  REQUIRE(old_rows.size() == 5);
  {
    storage::connection c(db.url());
    storage::visit_repository visits(c);
    for (const auto& s : old_rows) {
      CHECK(s.status == storage::session_status::completed);
      // The baseline's new sessions ran on the baseline's site, never on the candidate's.
      for (const auto& v : visits.page_visits(s.id))
        CHECK(v.url.rfind(old_site.url(""), 0) == 0);
    }
  }
  CHECK(sessions_of(db, "resolve-cand").size() == 7);
}
