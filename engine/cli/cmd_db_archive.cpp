#include "engine/cli/cmd_db_archive.hpp"

#include <cstdio>
#include <iostream>
#include <map>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "engine/cli/cli_common.hpp"
#include "engine/cli/database.hpp"
#include "storage/archive_manifest.hpp"
#include "storage/archive_restore.hpp"
#include "storage/connection.hpp"

namespace footfall::cli {
namespace po = boost::program_options;
namespace st = footfall::storage;
namespace {

// An archive that is not one, is damaged or is newer than the database is bad input (exit 2);
// I/O and database failures stay runtime failures (exit 3).
template <class F>
auto archive_input(F&& f) -> decltype(f()) {
  try {
    return as_usage_errors(f);
  } catch (const st::archive_error& e) {
    throw usage_error(e.what());
  }
}

std::string mib(std::uint64_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

int db_restore(const args& a) {
  engine::database_options o;
  std::string dir, campaign;
  bool json = false;
  po::options_description desc("footfall db restore");
  engine::add_database_flags(desc, o);
  desc.add_options()("dir", po::value(&dir)->required(), "archive directory")
      ("campaign", po::value(&campaign)->value_name("NAME"), "restore only this campaign's rows")
      ("json", po::bool_switch(&json), "print JSON");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  if (!parse_flags(a, desc, pos, vm,
                   "usage: footfall db restore DIR [--campaign NAME] [--json]\n"
                   "Verifies every file of an archive written by `db retention --archive`, then "
                   "loads its rows (rows already present are skipped)."))
    return ok;
  st::restore_options ro;
  if (vm.count("campaign")) ro.campaign = campaign;
  st::connection c{engine::open_database(o)};
  const auto r = archive_input([&] { return st::restore_archive(c, dir, ro); });
  if (json) {
    auto tables = nlohmann::json::array();
    for (const auto& t : r.tables)
      tables.push_back({{"table", t.table}, {"archived", t.archived}, {"restored", t.restored}});
    std::cout << nlohmann::json{{"runs", r.runs}, {"tables", tables}}.dump() << "\n";
    return ok;
  }
  std::printf("%-16s %12s %12s\n", "table", "archived", "restored");
  for (const auto& t : r.tables)
    std::printf("%-16s %12lld %12lld\n", t.table.c_str(), (long long)t.archived, (long long)t.restored);
  return ok;
}

int db_archive(const args& a) {
  std::string sub, dir;
  bool json = false;
  po::options_description desc("footfall db archive list");
  desc.add_options()("sub", po::value(&sub)->required(), "list")
      ("dir", po::value(&dir)->required(), "archive directory")
      ("json", po::bool_switch(&json), "print JSON");
  if (!parse_flags(a, desc, {"sub", "dir"},
                   "usage: footfall db archive list DIR [--json]\n"
                   "What an archive holds (runs, campaigns, days, rows, sizes), from its manifests."))
    return ok;
  if (sub != "list") throw usage_error("db archive: unknown subcommand '" + sub + "' (expected list)");
  const auto runs = archive_input([&] { return st::list_archive(dir); });
  if (json) {
    auto arr = nlohmann::json::array();
    for (const auto& r : runs) {
      auto tables = nlohmann::json::object();
      for (const auto& f : r.manifest.files) {
        auto& t = tables[f.table];
        if (t.is_null()) t = {{"rows", std::int64_t{0}}, {"bytes", std::uint64_t{0}}, {"files", 0}};
        t["rows"] = t["rows"].get<std::int64_t>() + f.rows;
        t["bytes"] = t["bytes"].get<std::uint64_t>() + f.bytes;
        t["files"] = t["files"].get<int>() + 1;
      }
      auto campaigns = nlohmann::json::array();
      for (const auto& k : r.manifest.campaigns)
        campaigns.push_back({{"id", k.id}, {"name", k.name}, {"sessions", k.sessions}});
      arr.push_back({{"run", r.dir.filename().string()}, {"schema", r.manifest.schema},
                     {"created_at", r.manifest.created_at}, {"from", r.manifest.from},
                     {"to", r.manifest.to}, {"campaigns", campaigns}, {"tables", tables}});
    }
    std::cout << nlohmann::json{{"runs", arr}}.dump() << "\n";
    return ok;
  }
  for (const auto& r : runs) {
    const auto& m = r.manifest;
    std::cout << "run " << r.dir.filename().string() << "  schema " << m.schema << "  days "
              << (m.from.empty() ? "none" : m.from + " .. " + m.to) << "\n  campaigns:";
    for (const auto& k : m.campaigns) std::cout << " " << k.name << " (" << k.sessions << " sessions)";
    std::cout << "\n";
    struct total { std::int64_t rows = 0; std::uint64_t bytes = 0; int days = 0; };
    std::map<std::string, total> tables;
    for (const auto& f : m.files) {
      auto& t = tables[f.table];
      t.rows += f.rows, t.bytes += f.bytes, t.days += !f.day.empty();
    }
    std::printf("  %-16s %6s %12s %12s\n", "table", "files", "rows", "size");
    for (const auto& [name, t] : tables)
      std::printf("  %-16s %6d %12lld %12s\n", name.c_str(), t.days ? t.days : 1, (long long)t.rows,
                  mib(t.bytes).c_str());
  }
  return ok;
}

}  // namespace footfall::cli
