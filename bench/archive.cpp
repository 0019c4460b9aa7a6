// bench_archive: cold storage throughput. Archive (storage::write_archive: COPY TO, zstd, sha256,
// fsync, re-read and verify) and restore (storage::restore_archive: checksums, then COPY FROM
// into the day's partition) of N actions, beside raw COPY of the same rows with psql (the
// baseline an operator would use: `COPY … TO STDOUT > file` + fsync, `COPY … FROM STDIN < file`).
// Rounds alternate raw and footfall; the target's tables are truncated and CHECKPOINTed before
// each load.
//
//   bench_archive [--actions N] [--rounds R] [--database-url URL | --data-dir DIR]
//
// Without a URL it uses footfall's embedded server and scratch databases footfall_bench_archive
// (source) and footfall_bench_restore (target).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <pqxx/pqxx>

#include "analytics/stats.hpp"
#include "bench/common/setup.hpp"
#include "storage/archive_restore.hpp"
#include "storage/archive_writer.hpp"
#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"

using namespace footfall::storage;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

// Sessions completed 100 days ago, 5 pages each, ~50 actions per page, all on one UTC day:
// selectors ~32 chars, element text ~20, input_value mostly NULL (the shape of bench_ingest).
void generate(const std::string& url, std::size_t actions, const std::string& day) {
  const std::size_t pages = std::max<std::size_t>(1, actions / 50), sessions = std::max<std::size_t>(1, pages / 5);
  pqxx::connection c{url};
  pqxx::work tx{c};
  const auto base = tx.quote(day + " 08:00:00+00") + "::timestamptz";
  tx.exec("INSERT INTO personas (name, session_duration_min, session_duration_max, pages_min, pages_max) "
          "VALUES ('bench', 30, 180, 2, 6)");
  tx.exec("INSERT INTO campaigns (name, target_url, total_sessions, concurrent_sessions, persona_id) "
          "SELECT 'bench', 'http://127.0.0.1/', 1000000, 10, id FROM personas");
  tx.exec("INSERT INTO sessions (campaign_id, persona_id, session_index, status, start_url, user_agent, "
          "completed_at, created_at) SELECT c.id, c.persona_id, g, 'completed', 'http://127.0.0.1/', "
          "'bench-agent', " + base + " + interval '10 hours', " + base + " FROM campaigns c, "
          "generate_series(0, " + std::to_string(sessions - 1) + ") g");
  tx.exec("INSERT INTO page_visits (session_id, url, title, visit_order, arrived_at, left_at, actions_count) "
          "SELECT s.id, 'http://127.0.0.1/page/' || o, 'Page ' || o, o, " + base +
          " + (s.session_index * 5 + o) * interval '5 ms', " + base +
          " + (s.session_index * 5 + o) * interval '5 ms' + interval '2 s', 50 FROM sessions s, "
          "generate_series(1, 5) o");
  tx.exec("INSERT INTO actions (page_visit_id, page_arrived_at, action_type, element_selector, "
          "element_text, coordinates_x, coordinates_y, input_value, \"timestamp\", action_order, duration_ms) "
          "SELECT pv.id, pv.arrived_at, (ARRAY['click','scroll','hover','type'])[1 + i % 4]::action_type, "
          "'#main > div.item:nth-child(' || i || ') > a', 'Product title ' || i, 100 + i, 200 + i, "
          "CASE WHEN i % 10 = 0 THEN 'query ' || i END, pv.arrived_at + i * interval '1 ms', i, i % 400 "
          "FROM page_visits pv, generate_series(1, 50) i");
  tx.commit();
}

double seconds_since(steady::time_point t0) {
  return std::chrono::duration<double>(steady::now() - t0).count();
}

double run_shell(const std::string& cmd) {
  const auto t0 = steady::now();
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", cmd.c_str());
    std::exit(3);
  }
  return seconds_since(t0);
}

void truncate_target(const std::string& url) {
  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  tx.exec("TRUNCATE actions, page_visits, session_traces, sessions, campaigns, personas CASCADE");
  tx.exec("CHECKPOINT");
}

// The median as the write-ups quote it (the mean of the two middle values of an even count).
double median(const std::vector<double>& v) { return *footfall::analytics::quantile(v, 0.5); }

}  // namespace

int main(int argc, char** argv) {
  const footfall::bench::throughput_run run("bench_archive", 1'000'000, argc, argv,
                                            {"footfall_bench_archive", "footfall_bench_restore"});
  const std::string url = run.url(0), target_url = run.url(1);
  const auto now = clock::now();
  const auto day_tp = std::chrono::floor<std::chrono::days>(now - std::chrono::days(100));
  const std::string day = [&] {
    const std::chrono::year_month_day ymd{day_tp};
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return std::string(b);
  }();
  std::string partition = "actions_p" + day;
  partition.erase(std::remove(partition.begin(), partition.end(), '-'), partition.end());
  {
    connection c{url}, t{target_url};
    migrate(c);
    migrate(t);
    ensure_day_partition(c, "actions", time_point(day_tp) + std::chrono::hours(12));
    ensure_day_partition(c, "page_visits", time_point(day_tp) + std::chrono::hours(12));
    ensure_day_partition(t, "actions", time_point(day_tp) + std::chrono::hours(12));
  }
  std::fprintf(stderr, "generating %zu actions on %s…\n", std::size_t(run.actions), day.c_str());
  generate(url, run.actions, day);
  std::int64_t rows = 0;
  {
    pqxx::connection pc{url};
    pqxx::nontransaction tx{pc};
    rows = tx.exec1("SELECT count(*) FROM " + partition)[0].as<std::int64_t>();
  }
  const std::string cols = "id, page_visit_id, page_arrived_at, action_type, element_selector, "
                           "element_text, coordinates_x, coordinates_y, input_value, \"timestamp\", "
                           "action_order, duration_ms";
  const auto work = fs::temp_directory_path() / ("footfall-bench-archive-" + std::to_string(::getpid()));
  fs::create_directories(work);
  connection c{url}, t{target_url};
  std::vector<double> raw_out, arch, raw_in, rest;
  std::uintmax_t raw_bytes = 0, arch_bytes = 0;
  for (int r = 0; r < run.rounds; ++r) {
    const auto raw_file = work / "raw.copy";
    const auto dir = work / ("archive-" + std::to_string(r));
    raw_out.push_back(run_shell("psql -X -q -d '" + url + "' -c 'COPY (SELECT " + cols + " FROM " +
                                partition + ") TO STDOUT' > " + raw_file.string() + " && sync " +
                                raw_file.string()));
    raw_bytes = fs::file_size(raw_file);
    auto t0 = steady::now();
    const auto s = write_archive(c, dir, now, std::chrono::days(90), std::chrono::days(30),
                                 {{"actions", partition, true, time_point(day_tp)}});
    arch.push_back(seconds_since(t0));
    arch_bytes = s.bytes;
    truncate_target(target_url);
    raw_in.push_back(run_shell("psql -X -q -d '" + target_url + "' -c 'COPY actions (" + cols +
                               ") FROM STDIN' < " + raw_file.string()));
    truncate_target(target_url);
    t0 = steady::now();
    restore_archive(t, dir);
    rest.push_back(seconds_since(t0));
    fs::remove_all(dir);
    fs::remove(raw_file);
    std::fprintf(stderr, "round %d: COPY TO %.2f s, archive %.2f s, COPY FROM %.2f s, restore %.2f s\n",
                 r + 1, raw_out.back(), arch.back(), raw_in.back(), rest.back());
  }
  fs::remove_all(work);
  const double ro = median(raw_out), ar = median(arch), ri = median(raw_in), re = median(rest);
  std::printf("bench_archive: %lld actions (one day partition), median of %d rounds; COPY text %.1f MiB, "
              "archive %.1f MiB\n", (long long)rows, run.rounds, double(raw_bytes) / 1048576.0,
              double(arch_bytes) / 1048576.0);
  std::printf("| method | seconds | actions/s | vs raw |\n|---|---|---|---|\n");
  std::printf("| raw COPY TO file (psql, + fsync) | %.2f | %.0f | 100%% |\n", ro, double(rows) / ro);
  std::printf("| footfall archive (zstd, sha256, fsync, verify) | %.2f | %.0f | %.0f%% |\n", ar,
              double(rows) / ar, 100 * ro / ar);
  std::printf("| raw COPY FROM file (psql) | %.2f | %.0f | 100%% |\n", ri, double(rows) / ri);
  std::printf("| footfall restore (checksums, partitions, COPY) | %.2f | %.0f | %.0f%% |\n", re,
              double(rows) / re, 100 * ri / re);
  return 0;
}
