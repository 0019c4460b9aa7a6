// footfall db migrate|start|stop|status|url|partitions|retention|restore|archive
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "engine/cli/cmd_db_archive.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/database.hpp"
#include "engine/cli/flag_rules.hpp"
#include "storage/connection.hpp"
#include "storage/embedded_server.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"
#include "storage/retention.hpp"

namespace footfall::cli {
namespace po = boost::program_options;
namespace st = footfall::storage;
namespace {

constexpr const char* db_usage =
    "usage: footfall db SUBCOMMAND [flags]   (footfall db SUBCOMMAND --help)\n\n"
    "  migrate     apply pending schema migrations (and create the coming days' partitions)\n"
    "  start       start the embedded PostgreSQL (initialize it on first use); print its URL\n"
    "  stop        stop the embedded PostgreSQL\n"
    "  status      is the embedded PostgreSQL initialized / running; its URL\n"
    "  url         print the database URL footfall would use (starts the embedded server)\n"
    "  partitions  create partitions ahead, then list every partition with rows and size\n"
    "  retention   expire detail rows (completed 90 days, failed 30); dry run unless --apply;\n"
    "              --archive DIR writes them to cold storage first\n"
    "  restore     load an archive (db restore DIR [--campaign NAME]) back into the database\n"
    "  archive     db archive list DIR: what an archive holds\n";

// Parses `a` against `desc`; prints help and returns false on --help.
bool parse_db_flags(const args& a, po::options_description& desc, const char* synopsis) {
  desc.add_options()("help,h", "show this help");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(a).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(std::string(e.what()) + "\n" + synopsis);
  }
  if (vm.count("help")) {
    std::cout << synopsis << "\n" << desc;
    return false;
  }
  return true;
}

st::embedded_server embedded(const engine::database_options& o) {
  st::embedded_options eo;
  eo.data_dir = o.data_dir;
  return st::embedded_server(eo);
}

std::string human_bytes(std::int64_t b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = double(b);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

int db_migrate(const args& a) {
  engine::database_options o;
  po::options_description desc("footfall db migrate");
  engine::add_database_flags(desc, o);
  if (!parse_db_flags(a, desc, "usage: footfall db migrate [--database-url URL] [--data-dir DIR]\n"
                      "Applies the migrations compiled into footfall, once, in order."))
    return ok;
  o.migrate = false;
  const auto url = engine::open_database(o);
  st::connection c{url};
  const auto applied = st::migrate(c);
  const auto created = st::ensure_partitions(c, st::clock::now());
  for (const auto& m : applied) std::cout << "applied " << m << "\n";
  std::cout << "schema up to date: " << st::applied_migrations(c).size() << " migrations, "
            << created.size() << " partitions created\n";
  return ok;
}

int db_start(const args& a, bool print_only) {
  engine::database_options o;
  std::string fsync;
  po::options_description desc(print_only ? "footfall db url" : "footfall db start");
  engine::add_database_flags(desc, o);
  if (!print_only)
    desc.add_options()("fsync", po::value(&fsync)->value_name("on|off"),
                       "off trades crash safety for speed on a throwaway server (applied when "
                       "the server starts; default on, or $FOOTFALL_PG_FSYNC)");
  if (!parse_db_flags(a, desc, print_only ? "usage: footfall db url [--database-url URL] [--data-dir DIR]\n"
                                   "Prints the URL footfall uses (starting the embedded server)."
                                 : "usage: footfall db start [--data-dir DIR]\n"
                                   "Starts the embedded PostgreSQL (initdb on first use)."))
    return ok;
  if (!fsync.empty()) {
    if (fsync != "on" && fsync != "off") throw usage_error("--fsync: expected on or off, got '" + fsync + "'");
    if (!engine::uses_embedded(o)) throw usage_error("--fsync applies to the embedded server only");
    st::embedded_options eo;
    eo.data_dir = o.data_dir;
    ::setenv("FOOTFALL_PG_FSYNC", fsync.c_str(), 1);
    std::cout << st::embedded_server(eo).ensure_running() << "\n";
    return ok;
  }
  o.migrate = false;
  std::cout << engine::open_database(o) << "\n";
  return ok;
}

int db_stop(const args& a) {
  engine::database_options o;
  po::options_description desc("footfall db stop");
  engine::add_database_flags(desc, o);
  if (!parse_db_flags(a, desc, "usage: footfall db stop [--data-dir DIR]\nStops the embedded PostgreSQL."))
    return ok;
  std::cout << (embedded(o).stop() ? "stopped\n" : "not running\n");
  return ok;
}

int db_status(const args& a) {
  engine::database_options o;
  bool json = false;
  po::options_description desc("footfall db status");
  engine::add_database_flags(desc, o);
  desc.add_options()("json", po::bool_switch(&json), "print JSON");
  if (!parse_db_flags(a, desc, "usage: footfall db status [--data-dir DIR] [--json]")) return ok;
  const auto s = embedded(o).status();
  if (json) {
    nlohmann::json j{{"data_dir", s.data_dir.string()}, {"initialized", s.initialized},
                     {"running", s.running}, {"url", s.url}};
    if (s.pid) j["pid"] = *s.pid;
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "data dir:    " << s.data_dir.string() << "\n"
              << "initialized: " << (s.initialized ? "yes" : "no") << "\n"
              << "running:     " << (s.running ? "yes (pid " + std::to_string(s.pid.value_or(0)) + ")" : "no")
              << "\nurl:         " << s.url << "\n";
  }
  return ok;
}

int db_partitions(const args& a) {
  engine::database_options o;
  st::partition_options po_;
  bool json = false;
  po::options_description desc("footfall db partitions");
  engine::add_database_flags(desc, o);
  desc.add_options()
      ("days-ahead", ranged(&po_.days_ahead, "days-ahead", 0, 365)->default_value(7), "daily partitions ahead of today")
      ("days-behind", ranged(&po_.days_behind, "days-behind", 0, 365)->default_value(1), "and behind today")
      ("json", po::bool_switch(&json), "print JSON");
  if (!parse_db_flags(a, desc, "usage: footfall db partitions [--days-ahead N] [--days-behind N] [--json]\n"
                      "Creates missing daily partitions, then lists all with rows and size."))
    return ok;
  st::connection c{engine::open_database(o)};
  st::ensure_partitions(c, st::clock::now(), po_);
  const auto parts = st::list_partitions(c);
  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& p : parts)
      arr.push_back({{"table", p.table}, {"partition", p.name}, {"default", p.is_default},
                     {"rows", p.rows}, {"bytes", p.bytes}});
    std::cout << arr.dump() << "\n";
    return ok;
  }
  std::printf("%-12s %-24s %12s %10s\n", "table", "partition", "rows", "size");
  for (const auto& p : parts)
    std::printf("%-12s %-24s %12lld %10s\n", p.table.c_str(), p.name.c_str(), (long long)p.rows,
                human_bytes(p.bytes).c_str());
  return ok;
}

int db_retention(const args& a) {
  engine::database_options o;
  st::retention_policy policy;
  bool apply = false, json = false;
  int completed = 90, failed = 30;
  std::string archive;
  po::options_description desc("footfall db retention");
  engine::add_database_flags(desc, o);
  desc.add_options()
      ("apply", po::bool_switch(&apply), "carry the plan out (default: dry run)")
      ("completed-days", ranged(&completed, "completed-days", 1, 36'500)->default_value(90), "keep completed sessions' detail")
      ("failed-days", ranged(&failed, "failed-days", 1, 36'500)->default_value(30), "keep failed/timeout sessions' detail")
      ("detach", po::bool_switch(&policy.detach), "detach expired partitions instead of dropping")
      ("archive", po::value(&archive)->value_name("DIR"),
       "write expired detail to DIR (zstd COPY files + manifest.json) before removing it")
      ("json", po::bool_switch(&json), "print JSON");
  if (!parse_db_flags(a, desc, "usage: footfall db retention [--apply] [--completed-days N] "
                      "[--failed-days N] [--detach] [--archive DIR] [--json]\n"
                      "Expires page visits and actions of finished sessions; analytics are kept."))
    return ok;
  policy.completed = std::chrono::days{completed};
  policy.failed = std::chrono::days{failed};
  if (!archive.empty()) policy.archive_dir = archive;
  st::connection c{engine::open_database(o)};
  const auto r = st::run_retention(c, st::clock::now(), policy, apply);
  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& s : r.steps) arr.push_back({{"step", s.describe()}, {"rows", s.rows}});
    nlohmann::json out{{"applied", r.applied}, {"steps", arr}};
    if (r.archive)
      out["archive"] = {{"dir", r.archive->run_dir.string()}, {"files", r.archive->files},
                        {"rows", r.archive->rows}, {"bytes", r.archive->bytes}};
    std::cout << out.dump() << "\n";
    return ok;
  }
  if (r.steps.empty()) std::cout << "nothing has expired\n";
  for (const auto& s : r.steps) std::cout << (apply ? "done: " : "would ") << s.describe() << "\n";
  if (r.archive)
    std::cout << "archived " << r.archive->rows << " detail rows in " << r.archive->files
              << " files (" << human_bytes(std::int64_t(r.archive->bytes)) << ") to "
              << r.archive->run_dir.string() << "\n";
  if (!apply && !r.steps.empty()) std::cout << "(dry run: pass --apply to act)\n";
  return ok;
}

}  // namespace

int cmd_db(const args& a) {
  if (a.empty()) throw usage_error(db_usage);
  const auto& sub = a.front();
  const args rest(a.begin() + 1, a.end());
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << db_usage;
    return ok;
  }
  if (sub == "migrate") return db_migrate(rest);
  if (sub == "start") return db_start(rest, false);
  if (sub == "url") return db_start(rest, true);
  if (sub == "stop") return db_stop(rest);
  if (sub == "status") return db_status(rest);
  if (sub == "partitions") return db_partitions(rest);
  if (sub == "retention") return db_retention(rest);
  if (sub == "restore") return db_restore(rest);
  if (sub == "archive") return db_archive(rest);
  throw usage_error("unknown subcommand '" + sub + "'\n" + db_usage);
}

}  // namespace footfall::cli
