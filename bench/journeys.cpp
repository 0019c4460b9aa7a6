// bench/journeys: the held-out-style figures of issue 9, reproducible. One campaign per
// adversarial fixture page of test/site (frames, shadow, drag, secrets, spa, popup, grow, dialogs;
// a page that is missing is skipped and said so), each from its campaign file in bench/journeys/
// (persona inline), N sessions, pace 0, run through the footfall binary as a user runs it
// (`footfall run CAMPAIGN_ID`). The campaigns of frames, secrets and popup start at a URL with
// credentials (`http://visitor:s3cr3t@127.0.0.1:PORT/...`): a campaign file or --target-url with
// credentials is refused (checked below), so the bench creates each campaign through the engine's
// API, as a program would, and puts the credentials in its sessions' start URLs.
//
// Prints, per campaign:
//  - sessions completed / failed, and failed sessions by cause (status / error class);
//  - from the database: input actions, actions whose selector goes through a frame (cross-site:
//    the frame is the fixture's iframe#cross, which loads localhost while the top is 127.0.0.1),
//    through an open shadow root, drags, click outcomes (navigation kinds), popup visits,
//    redacted values;
//  - from the page's side (bench/journeys/probe.js, injected into every page the bench serves and
//    reporting each event synchronously): trusted presses, inside frames (cross-site) and shadow
//    roots, drops, keys typed into secret fields, untrusted events (must be 0), and whether every
//    element the database says was pressed (by id, frame, shadow root) reported a trusted press;
//  - "secrets found": every text the run left — `pg_dump --data-only` of the whole database,
//    every `footfall run`'s stdout and stderr, `footfall report` of each campaign in the table,
//    json and html formats, the embedded PostgreSQL's server log, and the output of the refusal
//    checks — searched for the typed password, the card number (whole and in parts) and the URL
//    password. These texts are kept in --out DIR for inspection.
//
// Exit status: 0 when no secret was found and both refusal checks held; 1 when any secret was
// found or a campaign file / --target-url with credentials was accepted (the bench is honest: a
// leak fails it); 2 bad arguments; 3 a runtime failure (no Chromium, database, ...).
//
// usage: bench_journeys [--sessions N] [--pace P] [--concurrency C] [--only NAME,...]
//                       [--database-url URL] [--data-dir DIR] [--out DIR]
//                       [--log-level LEVEL] [--keep-database]
// A fresh database per run on the embedded server (--data-dir), dropped at the end, and the server
// stopped when the bench started it; --keep-database keeps both for inspection.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/common/args.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "engine/cli/database.hpp"
#include "engine/config/config.hpp"
#include "journeys/db_figures.hpp"
#include "journeys/page_probe.hpp"
#include "journeys/secret_scan.hpp"
#include "journeys/tables.hpp"
#include "storage/connection.hpp"
#include "storage/embedded_server.hpp"
#include "storage/repositories.hpp"
#include "support/http_server.hpp"
#include "test/analytics/run_process.hpp"

using namespace footfall;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct options {
  int sessions = 10;
  double pace = 0;
  int concurrency = 2;
  std::set<std::string> only;
  std::string database_url;
  std::string data_dir = "/var/lib/footfall/bench-journeys-pg";
  std::string out;
  std::string log_level = "info";
  bool keep_database = false;
};

/// One campaign: its file in bench/journeys/, whether its start URL carries credentials, and the
/// local selectors of its page's iframes that load another site.
struct journey {
  std::string name;
  bool credentials = false;
  std::set<std::string> cross_site_frames;
};

const std::vector<journey>& journeys() {
  static const std::vector<journey> j{{"frames", true, {"#cross"}}, {"shadow", false, {}},
                                      {"drag", false, {}},          {"secrets", true, {}},
                                      {"spa", false, {}},           {"popup", true, {}},
                                      {"grow", false, {}},          {"dialogs", false, {}}};
  return j;
}

const std::string url_user = "visitor", url_password = "s3cr3t";

using outcome = bench::campaign_result;

fs::path journeys_dir() { return fs::path(FOOTFALL_SOURCE_DIR) / "bench" / "journeys"; }

std::string with_credentials(std::string url) {
  return url.insert(url.find("://") + 3, url_user + ":" + url_password + "@");
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
}

/// The campaign file of `j`, sized by the options, aimed at the served site; `tag` keeps names
/// unique across runs on one database.
json campaign_json(const options& o, const journey& j, const test::http_server& site,
                   const std::string& tag) {
  auto c = engine::read_json_file(journeys_dir() / (j.name + ".json"));
  const auto path = c.at("target_url").get<std::string>();
  c["target_url"] = site.url(path.substr(path.find('/', path.find("://") + 3)));
  c["name"] = c["name"].get<std::string>() + "-" + tag;
  c["total_sessions"] = o.sessions;
  c["concurrent_sessions"] = std::min(o.concurrency, o.sessions);
  c["pace"] = o.pace;
  return c;
}

/// Creates the campaign through the API (persona upserted, sessions materialized); with
/// credentials, its sessions' start URLs carry them. Returns the campaign id.
std::string create_campaign(const std::string& url, const journey& j, const json& file) {
  auto f = engine::parse_campaign(file, j.name + ".json");
  storage::connection c(url);
  f.campaign.persona_id =
      storage::persona_repository(c).upsert(std::get<storage::persona>(f.persona)).id;
  const auto created = storage::campaign_repository(c).create(f.campaign);
  engine::materialize_sessions(url, created);
  if (j.credentials) {
    pqxx::connection pc{url};
    pqxx::work tx{pc};
    tx.exec_params("UPDATE sessions SET start_url = $1 WHERE campaign_id = $2",
                   with_credentials(f.campaign.target_url), created.id.str());
    tx.commit();
  }
  return created.id.str();
}

std::map<std::string, std::string> run_env(const options& o) {
  return {{"FOOTFALL_LOG_LEVEL", o.log_level}};
}

/// `footfall report ID` in every text format, each kept in the out dir and scanned.
void reports(const options& o, const std::string& url, const outcome& r,
             std::vector<bench::scanned>& texts) {
  for (const std::string format : {"table", "json", "html"}) {
    const auto rep =
        test::run({FOOTFALL_BINARY, "report", r.id, "--format", format, "--database-url", url},
                  std::chrono::seconds(300), run_env(o));
    const auto file = fs::path(o.out) / (r.name + ".report." + format);
    write_file(file, rep.out + rep.err);
    texts.push_back({"reports", file.filename().string(), bench::scan(rep.out + rep.err)});
    if (rep.exit_code != 0)
      std::fprintf(stderr, "bench_journeys: footfall report %s --format %s exited %d\n",
                   r.name.c_str(), format.c_str(), rep.exit_code);
  }
}

/// What the pages reported, one JSON line per event (no key, no value: the probe sends none).
std::string page_log(const std::vector<bench::page_event>& events) {
  std::string out;
  for (const auto& e : events)
    out += json{{"type", e.type},     {"trusted", e.trusted},       {"top", e.top},
                {"frame", e.frame},   {"cross_site", e.cross_site}, {"shadow", e.shadow},
                {"secret", e.secret}, {"target", e.target}}
               .dump() +
           "\n";
  return out;
}

outcome run_journey(const options& o, const std::string& url, const journey& j,
                    test::http_server& site, bench::page_probe& probe, const std::string& tag,
                    std::vector<bench::scanned>& texts) {
  outcome r;
  r.name = j.name;
  r.id = create_campaign(url, j, campaign_json(o, j, site, tag));
  probe.clear();
  const auto t0 = std::chrono::steady_clock::now();
  const auto run = test::run(
      {FOOTFALL_BINARY, "run", r.id, "--database-url", url, "--pace", std::to_string(o.pace),
       "--browsers", "1", "--contexts-per-browser", std::to_string(o.concurrency), "--no-progress"},
      std::chrono::seconds(60 + 60 * o.sessions), run_env(o));
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.run_exit = run.exit_code;
  const auto log = fs::path(o.out) / (j.name + ".run.log");
  write_file(log, run.out + run.err);
  texts.push_back({"run logs", log.filename().string(), bench::scan(run.out + run.err)});
  const auto events = probe.events();
  write_file(fs::path(o.out) / (j.name + ".page.jsonl"), page_log(events));
  r.page = bench::tally(events);
  r.db = bench::read_db_figures(url, r.id, j.cross_site_frames, events);
  reports(o, url, r, texts);
  std::fprintf(stderr, "bench_journeys: %s: footfall run exited %d in %.1f s\n", j.name.c_str(),
               r.run_exit, r.wall_s);
  return r;
}

/// A campaign file, and --target-url, with credentials must be refused (exit 2) before anything
/// is stored. Returns how many of the two were not; their output is scanned too.
int refusal_checks(const options& o, const std::string& url, const test::http_server& site,
                   const std::string& tag, std::vector<bench::scanned>& texts) {
  test::temp_dir dir;
  auto c = campaign_json(o, journeys().at(3), site, tag + "-refused");  // secrets
  c["total_sessions"] = 1;
  c["concurrent_sessions"] = 1;
  const auto clean_file = dir.path() / "clean.json", creds_file = dir.path() / "creds.json";
  write_file(clean_file, c.dump(2));
  const auto creds_url = with_credentials(c["target_url"].get<std::string>());
  c["target_url"] = creds_url;
  write_file(creds_file, c.dump(2));
  int failed = 0;
  const std::vector<std::pair<std::string, std::vector<std::string>>> checks{
      {"campaign file with credentials",
       {FOOTFALL_BINARY, "run", creds_file.string(), "--database-url", url}},
      {"--target-url with credentials",
       {FOOTFALL_BINARY, "run", clean_file.string(), "--target-url", creds_url, "--database-url",
        url}}};
  std::printf("\n| refusal check | exit | refused |\n|---|---|---|\n");
  for (const auto& [label, argv] : checks) {
    const auto r = test::run(argv, std::chrono::seconds(300), run_env(o));
    const bool refused = r.exit_code == 2;
    failed += !refused;
    std::printf("| %s | %d | %s |\n", label.c_str(), r.exit_code, refused ? "yes" : "NO");
    texts.push_back({"refusal checks", label, bench::scan(r.out + r.err)});
  }
  return failed;
}

/// A fresh database on the embedded server (or the given URL as is); the URL to use. `started`:
/// the bench started the server (and stops it at the end, unless --keep-database).
std::string open_db(options& o, std::unique_ptr<storage::embedded_server>& pg, std::string& created,
                    bool& started, const std::string& tag) {
  if (!o.database_url.empty()) return engine::open_database({o.database_url, "", true});
  storage::embedded_options eo;
  eo.data_dir = o.data_dir;
  eo.fsync = false;  // throwaway data
  pg = std::make_unique<storage::embedded_server>(eo);
  started = !pg->status().running;
  const auto admin = pg->ensure_running();
  created = "journeys_" + tag;
  pqxx::connection c{admin};
  pqxx::nontransaction tx{c};
  tx.exec0("CREATE DATABASE " + created);
  return engine::open_database({pg->url(created), "", true});
}

/// The whole database as text (pg_dump --data-only), kept and scanned.
void dump_database(const options& o, const std::string& url, std::vector<bench::scanned>& texts) {
  const auto file = fs::path(o.out) / "database.sql";
  const auto r = test::run(
      {"/usr/lib/postgresql/15/bin/pg_dump", "--data-only", "-d", url, "-f", file.string()},
      std::chrono::seconds(300));
  if (r.exit_code != 0)
    throw std::runtime_error("pg_dump exited " + std::to_string(r.exit_code) + ": " +
                             r.err.substr(0, 500));
  texts.push_back({"database (pg_dump)", file.filename().string(), bench::scan(test::slurp(file))});
}

/// The search finds what it must (a scan that cannot find anything would report 0 forever).
void check_the_scan() {
  const auto hits = bench::scan(with_credentials("http://h/") +
                                " Pa55word42 4111 1111 1111 1111 4111111111111111");
  for (const auto& n : bench::secret_needles())
    if (hits.at(n.label) == 0) throw std::logic_error("the secret scan misses " + n.label);
}

int run_all(options o) {
  check_the_scan();
  const std::string tag = std::to_string(std::time(nullptr));
  if (o.out.empty()) o.out = "/tmp/bench-journeys-" + tag;
  fs::create_directories(o.out);
  std::unique_ptr<storage::embedded_server> pg;
  std::string created;
  bool started = false;
  const auto url = open_db(o, pg, created, started, tag);
  test::http_server site;
  bench::page_probe probe(site, journeys_dir() / "probe.js");
  std::vector<bench::scanned> texts;
  std::vector<outcome> results;
  std::printf("bench_journeys: %d sessions per campaign, %d at once, pace %g; texts in %s\n",
              o.sessions, o.concurrency, o.pace, o.out.c_str());
  std::fflush(stdout);
  for (const auto& j : journeys()) {
    if (!o.only.empty() && !o.only.count(j.name)) continue;
    const auto target = campaign_json(o, j, site, tag)["target_url"].get<std::string>();
    const auto page = target.substr(target.rfind('/') + 1);
    if (!fs::exists(test::http_server::default_root() / page)) {
      std::printf("(%s: test/site/%s does not exist: skipped)\n", j.name.c_str(), page.c_str());
      continue;
    }
    results.push_back(run_journey(o, url, j, site, probe, tag, texts));
  }
  const int not_refused = refusal_checks(o, url, site, tag, texts);
  dump_database(o, url, texts);
  if (pg) {
    const auto log = fs::path(o.data_dir) / "server.log";
    if (fs::exists(log))
      texts.push_back({"PostgreSQL server log", log.string(), bench::scan(test::slurp(log))});
  }
  bench::print_tables(results, texts);
  if (pg && !o.keep_database) {
    pqxx::connection c{pg->url()};
    pqxx::nontransaction tx{c};
    tx.exec0("DROP DATABASE " + created + " WITH (FORCE)");
    if (started) pg->stop();
  }
  const int found = bench::total_hits(texts);
  return found > 0 || not_refused > 0 ? 1 : 0;
}

options parse(int argc, char** argv) {
  options o;
  bench::args a("bench_journeys");
  a.value("--sessions", "N", &o.sessions).value("--pace", "P", &o.pace);
  a.value("--concurrency", "C", &o.concurrency);
  a.value("--only", "NAME,...", [&o](const std::string& v) {
    std::stringstream ss(v);
    for (std::string n; std::getline(ss, n, ',');) o.only.insert(n);
  });
  a.database(&o.database_url, &o.data_dir).value("--out", "DIR", &o.out);
  a.value("--log-level", "LEVEL", &o.log_level).set("--keep-database", &o.keep_database);
  a.parse(argc, argv);
  if (o.sessions < 1 || o.concurrency < 1 || o.pace < 0)
    a.fail("--sessions and --concurrency >= 1, --pace >= 0");
  for (const auto& n : o.only) {
    bool known = false;
    for (const auto& j : journeys()) known |= j.name == n;
    if (!known) a.fail("--only: no campaign '" + n + "'");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse(argc, argv);
  try {
    return run_all(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_journeys: %s\n", e.what());
    return 3;
  }
}
