// bench_ingest: actions/s through storage::writer into the partitioned, indexed actions table,
// beside raw COPY (pqxx::stream_to in one transaction) of the same rows into the same tables, in
// the same run (rounds alternate raw/writer; tables truncated and CHECKPOINTed before each), and
// the engine's recording cost: CPU of the producing thread per action (RUSAGE_THREAD) while it
// hands finished pages to writer::write().
//
//   bench_ingest [--actions N] [--rounds R] [--database-url URL | --data-dir DIR]
//
// Without a URL it uses footfall's embedded server and a scratch database footfall_bench.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "analytics/stats.hpp"
#include "bench/common/setup.hpp"
#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"
#include "storage/records.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"

using namespace footfall::storage;
using steady = std::chrono::steady_clock;

namespace {

struct dataset {
  campaign k;
  std::vector<session_row> sessions;
  std::vector<page_record> pages;
  std::size_t actions = 0;
};

// Deterministic (seed 42), shaped like ../shared/bench/pg: 10–90 actions per page, selectors
// ~32 chars, element text ~20 chars, input_value mostly NULL, coordinates on pointer events.
dataset make_dataset(connection& c, std::size_t target_actions) {
  std::mt19937_64 rng{42};
  std::uniform_int_distribution<int> per_page(10, 90), type(0, 12), coord(0, 1900);
  dataset d;
  persona p;
  p.name = "bench-" + uuid::v7().str();
  p = persona_repository(c).create(p);
  d.k.name = "bench";
  d.k.target_url = "http://127.0.0.1/";
  d.k.total_sessions = 1'000'000;
  d.k.concurrent_sessions = 10;
  d.k.persona_id = p.id;
  d.k = campaign_repository(c).create(d.k);
  auto t = clock::now();
  session_row s;
  int order = 0;
  while (d.actions < target_actions) {
    if (order == 0 || order == 10) {
      s = session_row{};
      s.id = uuid::v7();
      s.campaign_id = d.k.id;
      s.persona_id = p.id;
      s.session_index = int(d.sessions.size());
      s.status = session_status::running;
      s.start_url = d.k.target_url;
      s.user_agent = "Mozilla/5.0 (X11; Linux x86_64) footfall-bench";
      d.sessions.push_back(s);
      order = 0;
    }
    page_record pr;
    pr.visit.id = uuid::v7();
    pr.visit.session_id = s.id;
    pr.visit.visit_order = ++order;
    pr.visit.url = "http://127.0.0.1/catalog/item-" + std::to_string(rng() % 5000);
    pr.visit.title = "Catalog item " + std::to_string(rng() % 5000);
    pr.visit.arrived_at = t;
    const int n = per_page(rng);
    for (int i = 0; i < n; ++i) {
      action_row a;
      a.id = uuid::v7();
      a.page_visit_id = pr.visit.id;
      a.page_arrived_at = pr.visit.arrived_at;
      a.type = static_cast<action_type>(type(rng));
      a.element_selector = "main > section.products div.card:nth-child(" + std::to_string(i % 40) + ")";
      if (rng() % 2) a.element_text = "Add to basket #" + std::to_string(rng() % 1000);
      if (a.type == action_type::click || a.type == action_type::hover ||
          a.type == action_type::double_click) {
        a.x = coord(rng);
        a.y = coord(rng) / 2;
      }
      if (a.type == action_type::type) a.input_value = "query " + std::to_string(rng() % 100);
      t += std::chrono::microseconds(200);
      a.timestamp = t;
      a.action_order = i + 1;
      a.duration_ms = int(rng() % 400);
      pr.actions.push_back(std::move(a));
    }
    pr.visit.actions_count = n;
    pr.visit.left_at = t;
    d.actions += std::size_t(n);
    d.pages.push_back(std::move(pr));
  }
  return d;
}

std::string sql_time(time_point t) {
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  const auto days_ = floor<days>(sys_time<microseconds>(microseconds(us)));
  const year_month_day ymd{days_};
  const long long rem = us - duration_cast<microseconds>(days_.time_since_epoch()).count();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld+00", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), rem / 3'600'000'000LL,
                rem / 60'000'000LL % 60, rem / 1'000'000 % 60, rem % 1'000'000);
  return buf;
}
std::optional<std::string> opt_time(const std::optional<time_point>& t) {
  return t ? std::optional<std::string>(sql_time(*t)) : std::nullopt;
}

void reset(pqxx::connection& c) {
  pqxx::nontransaction tx{c};
  tx.exec("TRUNCATE page_visits, actions, writer_batches");
  tx.exec("CHECKPOINT");
}

// The baseline: everything in one transaction, straight through pqxx::stream_to.
double raw_copy(pqxx::connection& c, const dataset& d) {
  const auto t0 = steady::now();
  pqxx::work tx{c};
  {
    pqxx::stream_to out{tx, "page_visits",
                        std::vector<std::string>{"id", "session_id", "url", "title", "visit_order",
                                                 "arrived_at", "left_at", "actions_count",
                                                 "scroll_depth_percent", "ttfb_ms",
                                                 "dom_content_loaded_ms", "load_ms",
                                                 "console_errors", "failed_requests"}};
    for (const auto& p : d.pages) {
      const auto& v = p.visit;
      out << std::make_tuple(v.id.str(), v.session_id.str(), v.url, v.title, v.visit_order,
                             sql_time(v.arrived_at), opt_time(v.left_at), v.actions_count,
                             v.scroll_depth_percent, v.ttfb_ms, v.dom_content_loaded_ms, v.load_ms,
                             v.console_errors, v.failed_requests);
    }
    out.complete();
  }
  {
    pqxx::stream_to out{tx, "actions",
                        std::vector<std::string>{"id", "page_visit_id", "page_arrived_at",
                                                 "action_type", "element_selector", "element_text",
                                                 "coordinates_x", "coordinates_y", "input_value",
                                                 "\"timestamp\"", "action_order", "duration_ms"}};
    for (const auto& p : d.pages)
      for (const auto& a : p.actions)
        out << std::make_tuple(a.id.str(), a.page_visit_id.str(), sql_time(a.page_arrived_at),
                               to_string(a.type).data(), a.element_selector, a.element_text, a.x,
                               a.y, a.input_value, sql_time(a.timestamp), a.action_order,
                               a.duration_ms);
    out.complete();
  }
  tx.commit();
  return std::chrono::duration<double>(steady::now() - t0).count();
}

double thread_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct writer_result {
  double seconds = 0, producer_cpu = 0;
  writer_stats stats;
};

// The engine's path: a producer thread hands finished pages to writer::write(); the clock stops
// when close() returns (everything committed).
writer_result through_writer(const std::string& url, const dataset& d) {
  std::vector<page_record> pages = d.pages;  // moved into the writer, as the engine does
  writer_options o;
  o.url = url;
  writer w{o};
  w.flush();  // connected and partitions ensured before the clock starts
  writer_result r;
  const auto t0 = steady::now();
  std::thread producer([&] {
    const double c0 = thread_cpu_seconds();
    for (auto& p : pages) w.write(std::move(p));
    r.producer_cpu = thread_cpu_seconds() - c0;
  });
  producer.join();
  w.close();
  r.seconds = std::chrono::duration<double>(steady::now() - t0).count();
  r.stats = w.stats();
  return r;
}

// The median as the write-ups quote it (the mean of the two middle values of an even count).
double median(const std::vector<double>& v) { return *footfall::analytics::quantile(v, 0.5); }

}  // namespace

int main(int argc, char** argv) {
  const footfall::bench::throughput_run run("bench_ingest", 300'000, argc, argv, {"footfall_bench"});
  const std::string url = run.url(0);
  connection c{url};
  migrate(c);
  ensure_partitions(c, clock::now());
  std::fprintf(stderr, "generating %zu actions…\n", std::size_t(run.actions));
  const auto d = make_dataset(c, run.actions);
  {
    writer_options o;
    o.url = url;
    writer w{o};
    for (const auto& s : d.sessions) w.write(s);
  }
  const double rows = double(d.actions + d.pages.size());
  std::vector<double> raw_s, writer_s, cpu_us;
  writer_stats last{};
  pqxx::connection raw_conn{url};
  for (int r = 0; r < run.rounds; ++r) {
    reset(raw_conn);
    raw_s.push_back(raw_copy(raw_conn, d));
    reset(raw_conn);
    auto w = through_writer(url, d);
    writer_s.push_back(w.seconds);
    cpu_us.push_back(w.producer_cpu * 1e6 / double(d.actions));
    last = w.stats;
    std::fprintf(stderr, "round %d: raw %.0f actions/s, writer %.0f actions/s\n", r + 1,
                 double(d.actions) / raw_s.back(), double(d.actions) / writer_s.back());
  }
  const double raw = median(raw_s), wr = median(writer_s);
  std::printf("bench_ingest: %zu actions + %zu page visits (%zu sessions), median of %d rounds\n",
              d.actions, d.pages.size(), d.sessions.size(), run.rounds);
  std::printf("| method | seconds | actions/s | rows/s | vs raw |\n|---|---|---|---|---|\n");
  std::printf("| raw COPY (pqxx::stream_to, 1 txn) | %.2f | %.0f | %.0f | 100%% |\n", raw,
              double(d.actions) / raw, rows / raw);
  std::printf("| storage::writer (batch %zu rows) | %.2f | %.0f | %.0f | %.0f%% |\n",
              writer_options{}.batch_rows, wr, double(d.actions) / wr, rows / wr, 100 * raw / wr);
  const double best_raw = *std::min_element(raw_s.begin(), raw_s.end());
  const double best_wr = *std::min_element(writer_s.begin(), writer_s.end());
  std::printf("| raw COPY, best round | %.2f | %.0f | %.0f | 100%% |\n", best_raw,
              double(d.actions) / best_raw, rows / best_raw);
  std::printf("| storage::writer, best round | %.2f | %.0f | %.0f | %.0f%% |\n", best_wr,
              double(d.actions) / best_wr, rows / best_wr, 100 * best_raw / best_wr);
  std::printf("| engine CPU per action in write() | %.3f µs (median; RUSAGE_THREAD of the producer) | | | |\n",
              median(cpu_us));
  std::printf("writer: %llu batches, %llu producer waits on a full queue\n",
              (unsigned long long)last.batches_committed, (unsigned long long)last.producer_waits);
  raw_conn.disconnect();  // before the scratch database is dropped
  return 0;
}
