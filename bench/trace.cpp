// bench/trace: what session traces (issue 13, engine/observe/trace.hpp) cost. The same campaign — the
// fixture journey (test/site/journey), a busy persona, 24 sessions, 4 at a time in one browser,
// pace 0, recording on, as bench/sessions — run by the engine's own session runner in three
// trace modes, interleaved: off (nothing collected), failures (the default: page errors
// collected, a frame and a stored row only for a failed session) and full (--trace: a frame after
// the load and after every action). Prints wall time, footfall CPU (this process: engine, writer,
// database thread, the fixture server), Chromium CPU (reaped children) and what was stored.
//
// usage: bench_trace [--sessions 24] [--concurrency 4] [--rounds 2] [--database-url URL]
//                    [--data-dir DIR]
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdio>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "bench/common/args.hpp"
#include "bench/common/harness.hpp"
#include "bench/common/setup.hpp"
#include "engine/campaign/campaign_runner.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"
#include "support/http_server.hpp"
#include "support/personas.hpp"

using namespace footfall;

namespace {

struct options {
  int sessions = 24;
  int concurrency = 4;
  int rounds = 2;
  std::string database_url;
  std::string data_dir;
};

double cpu_s(int who) {
  rusage u{};
  ::getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct sample {
  double wall_s = 0, self_cpu_s = 0, chromium_cpu_s = 0;
  long actions = 0, failed = 0, traces = 0;
  double stored_kib = 0;
};

storage::persona persona() {
  return test::persona_builder("bench-trace").duration_s(5, 30).pages(2, 4).actions(4, 7).odds(
      {.typing = 0.3});
}

sample run_once(const options& o, const std::string& target, engine::trace_mode mode, int seed) {
  storage::connection c{o.database_url};
  storage::campaign camp;
  camp.name = "bench-trace-" + std::to_string(seed) + "-" + std::to_string(static_cast<int>(mode));
  camp.target_url = target;
  camp.total_sessions = o.sessions;
  camp.concurrent_sessions = o.concurrency;
  camp.persona_id = storage::persona_repository(c).upsert(persona()).id;
  camp.rate_limit_delay_ms = 100;  // the smallest allowed; navigations are spaced by it
  camp.seed = static_cast<std::uint64_t>(seed);  // the same journeys in every mode
  engine::campaign_settings s;
  s.pace = 0;
  s.viewports = {{1280, 800}};
  camp.settings = s.to_json();
  camp = storage::campaign_repository(c).create(camp);
  engine::materialize_sessions(o.database_url, camp);

  engine::run_options ro;
  ro.database_url = o.database_url;
  ro.pool = bench::one_browser(o.concurrency);
  ro.pace = 0;
  ro.handle_signals = false;
  ro.record_analytics = false;
  ro.trace = mode;
  const double self0 = cpu_s(RUSAGE_SELF), child0 = cpu_s(RUSAGE_CHILDREN);
  const auto summary = engine::run_campaign(camp.id, ro, true);
  sample r;
  r.self_cpu_s = cpu_s(RUSAGE_SELF) - self0;
  r.chromium_cpu_s = cpu_s(RUSAGE_CHILDREN) - child0;  // the pool's browser, reaped at its end
  r.wall_s = summary.wall_s;
  r.actions = summary.actions;
  if (auto f = summary.run_sessions.find(storage::session_status::failed);
      f != summary.run_sessions.end())
    r.failed = f->second;
  pqxx::connection pc{o.database_url};
  pqxx::work tx{pc};
  const auto counts = tx.exec1(
      "SELECT count(*), coalesce(sum(t.bytes), 0) FROM session_traces t JOIN sessions s ON s.id = "
      "t.session_id WHERE s.campaign_id = '" +
      camp.id.str() + "'");
  r.traces = counts[0].as<long>();
  r.stored_kib = counts[1].as<double>() / 1024.0;
  return r;
}

const char* name(engine::trace_mode m) {
  switch (m) {
    case engine::trace_mode::off:
      return "off";
    case engine::trace_mode::failures:
      return "failures (default)";
    case engine::trace_mode::full:
      return "full (--trace)";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  bench::args a("bench_trace");
  a.value("--sessions", "N", &o.sessions).value("--concurrency", "N", &o.concurrency);
  a.value("--rounds", "N", &o.rounds).database(&o.database_url, &o.data_dir);
  a.parse(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  o.database_url = bench::open_database(o.database_url, o.data_dir).url;
  test::http_server site;
  const auto target = site.url("/journey/index.html");
  const std::vector<engine::trace_mode> modes{engine::trace_mode::off, engine::trace_mode::failures,
                                              engine::trace_mode::full};
  std::map<engine::trace_mode, std::vector<sample>> results;
  for (int round = 0; round < o.rounds; ++round)
    for (const auto m : modes) results[m].push_back(run_once(o, target, m, 7001 + round));
  std::printf("%-20s %6s %8s %8s %9s %10s %12s %7s %7s %10s\n", "trace mode", "runs", "actions",
              "wall s", "footfall", "chromium", "CPU ms/act", "failed", "traces", "KiB stored");
  for (const auto m : modes) {
    sample sum;
    for (const auto& s : results[m]) {
      sum.wall_s += s.wall_s;
      sum.self_cpu_s += s.self_cpu_s;
      sum.chromium_cpu_s += s.chromium_cpu_s;
      sum.actions += s.actions;
      sum.failed += s.failed;
      sum.traces += s.traces;
      sum.stored_kib += s.stored_kib;
    }
    const double n = static_cast<double>(results[m].size());
    std::printf("%-20s %6d %8.0f %8.1f %8.2fs %9.2fs %12.2f %7ld %7ld %10.0f\n", name(m),
                static_cast<int>(n), sum.actions / n, sum.wall_s / n, sum.self_cpu_s / n,
                sum.chromium_cpu_s / n,
                1000 * (sum.self_cpu_s + sum.chromium_cpu_s) / std::max(1L, sum.actions),
                sum.failed, sum.traces, sum.stored_kib / n);
  }
  return 0;
}
