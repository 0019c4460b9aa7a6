// bench_analytics: recompute analytics for a campaign of 1,000,000 actions generated through
// storage::writer, against a real PostgreSQL. Prints a table of each phase.
//
//   bench_analytics [--sessions N] [--pages N] [--actions-per-page N] [--runs N]
//                   [--database-url URL]
// Without a URL it uses footfall's embedded server (data dir FOOTFALL_BENCH_PGDATA, else
// /var/lib/footfall/bench-pg as root) and a throwaway database it drops at the end.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "analytics/recompute.hpp"
#include "bench/common/args.hpp"
#include "storage/embedded_server.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"
#include "test/analytics/campaign_gen.hpp"

using namespace footfall;

namespace {

struct throwaway_db {
  std::string admin, name, url;
  throwaway_db(const std::string& admin_url, const std::string& url_for_name, std::string n)
      : admin(admin_url), name(std::move(n)), url(url_for_name) {
    pqxx::connection c{admin};
    pqxx::nontransaction tx{c};
    tx.exec("CREATE DATABASE " + name);
  }
  ~throwaway_db() {
    try {
      pqxx::connection c{admin};
      pqxx::nontransaction tx{c};
      tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dropping %s: %s\n", name.c_str(), e.what());
    }
  }
};

double secs(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  int sessions = 2000, pages = 10, per_page = 50, runs = 3;
  std::string url;
  bench::args a("bench_analytics");
  a.value("--sessions", "N", &sessions).value("--pages", "N", &pages);
  a.value("--actions-per-page", "N", &per_page).value("--runs", "N", &runs);
  a.value("--database-url", "URL", &url).parse(argc, argv);
  runs = std::max(1, runs);
  if (url.empty())
    if (const char* e = std::getenv("DATABASE_URL"); e && *e) url = e;

  std::unique_ptr<throwaway_db> db;
  if (url.empty()) {
    storage::embedded_options o;
    if (const char* d = std::getenv("FOOTFALL_BENCH_PGDATA"); d && *d) o.data_dir = d;
    else if (::geteuid() == 0) o.data_dir = "/var/lib/footfall/bench-pg";
    o.fsync = false;
    storage::embedded_server server{o};
    server.ensure_running();
    const std::string name = "bench_analytics_" + std::to_string(::getpid());
    db = std::make_unique<throwaway_db>(server.url("postgres"), server.url(name), name);
    url = db->url;
  }
  storage::connection c{url};
  storage::migrate(c);
  storage::ensure_partitions(c, storage::clock::now());

  test::campaign_gen_options g;
  g.name = "bench-analytics";
  g.sessions = sessions;
  g.pages = pages;
  g.actions_per_page = per_page;
  g.failed_every = 20;
  g.start = storage::clock::now() - std::chrono::hours(2);
  auto t0 = std::chrono::steady_clock::now();
  const auto k = test::generate_campaign(url, g);
  const double gen_s = secs(t0);
  c.execute("ANALYZE");
  const long long actions = static_cast<long long>(sessions) * pages * per_page;

  std::printf("bench_analytics: %d sessions x %d pages x %d actions = %lld actions "
              "(generated through storage::writer in %.2f s, %.0f actions/s)\n\n",
              sessions, pages, per_page, actions, gen_s, actions / gen_s);
  std::printf("%-5s %10s %10s %10s %12s %12s %10s %14s\n", "run", "load s", "compute s",
              "write s", "analytics s", "rollups s", "total s", "actions/s");
  std::vector<double> totals, with_rollups;
  for (int r = 0; r < runs; ++r) {
    const auto res = analytics::recompute_campaign(c, k.id);
    const double total = res.load_s + res.compute_s + res.write_s;
    totals.push_back(total);
    with_rollups.push_back(total + res.rollup_s);
    std::printf("%-5d %10.3f %10.3f %10.3f %12.3f %12.3f %10.3f %14.0f\n", r + 1, res.load_s,
                res.compute_s, res.write_s, total, res.rollup_s, total + res.rollup_s,
                res.actions / total);
  }
  std::sort(totals.begin(), totals.end());
  std::sort(with_rollups.begin(), with_rollups.end());
  std::printf("\nrecompute of %lld actions (goal < 5 s):\n"
              "  session + campaign analytics   best %.3f s, median %.3f s\n"
              "  + rollup rebuild (the CLI's)   best %.3f s, median %.3f s\n",
              actions, totals.front(), totals[totals.size() / 2], with_rollups.front(),
              with_rollups[with_rollups.size() / 2]);
  return 0;
}
