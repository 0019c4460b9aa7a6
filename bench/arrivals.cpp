// Open-model arrivals (issue 12 target): a 60 s phase at 30/min on the fixture site, real Chromium
// and PostgreSQL, one worker (1 browser x 4 contexts, cap 4). Prints, per 10 s window, the starts
// planned and achieved against the 99 % Poisson bounds of the phase's rate (mean 5), the starts in
// the first second (a stampede would put every visitor there) and the lateness of the starts.
// Usage: bench_arrivals [--database-url URL] [--data-dir DIR] [--pace P] [--seed N]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "bench/common/args.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "engine/cli/database.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"
#include "support/http_server.hpp"
#include "support/personas.hpp"
#include "support/poisson.hpp"

using namespace footfall;

namespace {

constexpr int phase_s = 60, rate_per_min = 30, window_s = 10, sessions = 40;

storage::campaign create(const std::string& url, const std::string& target, double pace,
                         std::uint64_t seed) {
  storage::connection c{url};
  const auto stored = storage::persona_repository(c).upsert(
      test::persona_builder("bench-arrivals").duration_s(5, 20).pages(1, 2).actions(1, 3));
  storage::campaign k;
  k.name = "bench-arrivals-" + std::to_string(std::time(nullptr));
  k.target_url = target;
  k.total_sessions = sessions;
  k.concurrent_sessions = 4;
  k.persona_id = stored.id;
  k.rate_limit_delay_ms = 100;
  k.seed = seed;
  engine::campaign_settings s;
  s.pace = pace;
  s.user_agents = {"footfall-bench/1.0"};
  s.viewports = {{1280, 800}};
  s.arrivals = {{phase_s, rate_per_min, rate_per_min}};
  k.settings = s.to_json();
  k = storage::campaign_repository(c).create(k);
  engine::materialize_sessions(url, k);
  return k;
}

void print_table(const std::string& url, const storage::uuid& id, double wall_s) {
  pqxx::connection c{url};
  pqxx::work tx{c};
  std::vector<double> planned, actual, late;
  for (const auto& r : tx.exec_params(
           "SELECT s.planned_offset_ms, extract(epoch FROM s.started_at - c.arrivals_epoch) * "
           "1000, "
           "s.start_lateness_ms FROM sessions s JOIN campaigns c ON c.id = s.campaign_id "
           "WHERE s.campaign_id = $1 ORDER BY s.session_index",
           id.str())) {
    planned.push_back(r[0].as<double>());
    actual.push_back(r[1].is_null() ? -1 : r[1].as<double>());
    if (!r[2].is_null()) late.push_back(r[2].as<double>());
  }
  const double mean = rate_per_min / 60.0 * window_s;
  const auto [lo, hi] = test::poisson_bounds(mean, 0.01);
  std::printf("\n%-10s %8s %8s %14s %6s\n", "window s", "planned", "started", "Poisson 99%", "ok");
  int ok = 0, windows = phase_s / window_s;
  for (int w = 0; w < windows; ++w) {
    const auto in = [&](double t) {
      return t >= w * window_s * 1000.0 && t < (w + 1) * window_s * 1000.0;
    };
    const auto np = std::count_if(planned.begin(), planned.end(), in);
    const auto na = std::count_if(actual.begin(), actual.end(), in);
    const bool good = na >= lo && na <= hi;
    ok += good;
    std::printf("%3d-%-6d %8ld %8ld %8d..%-5d %6s\n", w * window_s, (w + 1) * window_s, np, na, lo,
                hi, good ? "yes" : "NO");
  }
  const auto first_s =
      std::count_if(actual.begin(), actual.end(), [](double t) { return t >= 0 && t < 1000; });
  std::sort(late.begin(), late.end());
  const auto q = [&](double p) {
    return late.empty() ? NAN : late[static_cast<std::size_t>(p * (late.size() - 1))];
  };
  std::printf("\nwindows within bounds  %d/%d (mean %.0f per window)\n", ok, windows, mean);
  std::printf("starts in the first second  %ld (planned %ld; a closed model starts %d)\n", first_s,
              std::count_if(planned.begin(), planned.end(), [](double t) { return t < 1000; }), 4);
  std::printf("start lateness ms  p50 %.0f  p95 %.0f  max %.0f  (%zu starts)\n", q(0.5), q(0.95),
              q(1.0), late.size());
  std::printf("wall time  %.1f s\n", wall_s);
}

}  // namespace

int main(int argc, char** argv) {
  engine::database_options db;
  db.data_dir = "/var/lib/footfall/bench-arrivals-pg";
  double pace = 0;
  std::uint64_t seed = 12;
  bench::args a("bench_arrivals");
  a.database(&db.database_url, &db.data_dir).value("--pace", "P", &pace);
  a.value("--seed", "N", &seed).parse(argc, argv);
  const auto url = engine::open_database(db);
  test::http_server site;
  const auto camp = create(url, site.url("/journey/index.html"), pace, seed);
  engine::run_options o;
  o.database_url = url;
  o.pool.browsers = 1;
  o.pool.contexts_per_browser = 4;
  o.handle_signals = false;
  std::printf("bench_arrivals: %d s at %d/min, %d sessions, cap 4, pace %.1f, seed %llu\n", phase_s,
              rate_per_min, sessions, pace, static_cast<unsigned long long>(seed));
  const auto summary = engine::run_campaign(camp.id, o, true);
  print_table(url, camp.id, summary.wall_s);
  return 0;
}
