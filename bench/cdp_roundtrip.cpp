// CDP round trip: sequential Runtime.evaluate("1+1") on one page session, as the peers'
// bench_rtt.js ("cdp" variant) does it. Prints p50, p99, calls/s, footfall's CPU per call
// (getrusage over the loop) and Chromium's (its process group's /proc CPU, before/after).
// usage: bench_cdp_roundtrip [URL] [--calls N] [--warmup N] [--chromium PATH]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bench/common/args.hpp"
#include "cdp/browser.hpp"
#include "cdp/input.hpp"
#include "cdp/launcher.hpp"

namespace asio = boost::asio;
using namespace footfall;
using clock_type = std::chrono::steady_clock;

namespace {

struct config {
  std::string url = "file:///work/shared/bench/anchors/site/page1.html";
  int calls = 2000;
  int warmup = 200;
  std::string chromium = "/usr/bin/chromium";
};

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU of every process in Chromium's group, including children they reaped.
double group_cpu_seconds(pid_t pgid) {
  static const double tck = static_cast<double>(sysconf(_SC_CLK_TCK));
  double ticks = 0;
  for (pid_t p : cdp::process_group_members(pgid)) {
    std::ifstream f("/proc/" + std::to_string(p) + "/stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    auto rp = line.rfind(')');
    if (rp == std::string::npos) continue;
    std::vector<std::string> fields;
    std::string cur;
    for (char c : line.substr(rp + 2)) {
      if (c == ' ') {
        fields.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    // fields[0] is stat field 3 (state): utime 14, stime 15, cutime 16, cstime 17.
    if (fields.size() > 14)
      for (int i = 11; i <= 14; ++i) ticks += std::stod(fields[i]);
  }
  return ticks / tck;
}

struct result {
  std::vector<double> lat_us;
  double wall_s = 0, self_cpu_s = 0, chromium_cpu_s = 0;
  std::string product;
};

asio::awaitable<void> run_bench(config c, cdp::devtools_endpoint ep, pid_t pgid, result* out) {
  auto b = co_await cdp::browser::connect(ep);
  out->product = co_await b->version();
  auto p = co_await b->new_page();
  co_await p.navigate(c.url, std::chrono::milliseconds(30000));
  co_await cdp::sleep_for(std::chrono::milliseconds(3000));  // start-up work settles (as peers)
  const cdp::json params = {{"expression", "1+1"}, {"returnByValue", true}};
  const auto s = p.session();
  for (int i = 0; i < c.warmup; ++i) {
    auto r = co_await s.send("Runtime.evaluate", params);
    if (r["result"]["value"] != 2) throw std::runtime_error("bad result " + r.dump());
  }
  out->lat_us.resize(static_cast<std::size_t>(c.calls));
  const double cpu0 = self_cpu_seconds(), chr0 = group_cpu_seconds(pgid);
  const auto t0 = clock_type::now();
  for (int i = 0; i < c.calls; ++i) {
    const auto t = clock_type::now();
    auto r = co_await s.send("Runtime.evaluate", params);
    out->lat_us[static_cast<std::size_t>(i)] =
        std::chrono::duration<double, std::micro>(clock_type::now() - t).count();
    if (r["result"]["value"] != 2) throw std::runtime_error("bad result " + r.dump());
  }
  out->wall_s = std::chrono::duration<double>(clock_type::now() - t0).count();
  out->self_cpu_s = self_cpu_seconds() - cpu0;
  out->chromium_cpu_s = group_cpu_seconds(pgid) - chr0;
  co_await b->close();
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

int main(int argc, char** argv) {
  config c;
  bench::args a("bench_cdp_roundtrip");
  a.operand("URL", [&c](const std::string& url) { c.url = url; });
  a.value("--calls", "N", &c.calls).value("--warmup", "N", &c.warmup);
  a.value("--chromium", "PATH", &c.chromium).parse(argc, argv);
  cdp::become_child_subreaper();
  cdp::launch_options lo;
  lo.executable = c.chromium;
  lo.extra_args = {"--hide-scrollbars"};  // as the peers' raw client and drivers
  result r;
  try {
    cdp::browser_process proc(lo);
    asio::io_context io(1);
    std::exception_ptr failure;
    asio::co_spawn(io, run_bench(c, proc.endpoint(), proc.pid(), &r),
                   [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_cdp_roundtrip: %s\n", e.what());
    return 3;
  }
  const double n = c.calls;
  std::printf(
      "footfall cdp_roundtrip — %d sequential Runtime.evaluate(\"1+1\", returnByValue) on "
      "one page session after %d warm-up calls\n%s, page %s\n\n",
      c.calls, c.warmup, r.product.c_str(), c.url.c_str());
  std::printf(
      "| p50 µs | p99 µs | mean µs | calls/s | footfall CPU µs/call | Chromium CPU µs/call |\n");
  std::printf(
      "|-------:|-------:|--------:|--------:|---------------------:|---------------------:|\n");
  double mean = 0;
  for (double v : r.lat_us) mean += v;
  mean /= n;
  std::printf("| %6.0f | %6.0f | %7.0f | %7.0f | %20.1f | %20.0f |\n", percentile(r.lat_us, 0.5),
              percentile(r.lat_us, 0.99), mean, n / r.wall_s, r.self_cpu_s / n * 1e6,
              r.chromium_cpu_s / n * 1e6);
  return 0;
}
