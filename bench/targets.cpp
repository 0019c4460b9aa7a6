// Popups and the opener (issue 9 item 2): how long actions on the opener take after it opened a
// popup, with the opener kept in front (footfall's default) and without (as before), and how
// long browser::new_page takes (a paused target configured in one burst).
// Usage: bench_targets [rounds]   (fixture pages from test/site over file://)
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "bench/common/args.hpp"
#include "cdp/browser.hpp"
#include "cdp/input.hpp"
#include "cdp/launcher.hpp"
#include "cdp/navigation.hpp"

namespace asio = boost::asio;
using namespace footfall;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

struct stats {
  std::vector<double> v;
  double pct(double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  }
};

const std::string site = "file://" FOOTFALL_SOURCE_DIR "/test/site/";

/// Opens a popup with `opener_sel`, then times `actions` opener actions (a click and a wait
/// for two animation frames, as the page script's settle() does).
asio::awaitable<void> opener_round(std::shared_ptr<cdp::browser> b, bool front,
                                   std::string opener_sel, int actions, stats* out) {
  auto ctx = co_await b->create_context();
  cdp::page_options o;
  o.opener_in_front = front;
  auto p = co_await b->new_page(ctx, o);
  co_await p.navigate(site + "popup.html", milliseconds(10000));
  co_await cdp::click_element(p, opener_sel);
  co_await cdp::sleep_for(milliseconds(100));
  for (int i = 0; i < actions; ++i) {
    const auto t0 = clock_type::now();
    co_await cdp::click_element(p, "#count");
    co_await p.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))",
                        milliseconds(15000));
    out->v.push_back(ms_since(t0));
  }
  co_await b->dispose_context(ctx);
}

asio::awaitable<void> new_page_round(std::shared_ptr<cdp::browser> b, stats* out) {
  auto ctx = co_await b->create_context();
  const auto t0 = clock_type::now();
  auto p = co_await b->new_page(ctx, cdp::page_options());
  out->v.push_back(ms_since(t0));
  co_await b->dispose_context(ctx);
}

asio::awaitable<void> run_all(cdp::devtools_endpoint ep, int rounds) {
  auto b = co_await cdp::browser::connect(ep);
  std::printf("| opener after a popup (%d rounds x 5 actions) | median ms | p90 ms | max ms |\n",
              rounds);
  std::printf("|---|---|---|---|\n");
  for (const char* sel : {"#blank", "#open"}) {
    for (bool front : {false, true}) {
      stats s;
      for (int r = 0; r < rounds; ++r) co_await opener_round(b, front, sel, 5, &s);
      std::printf("| %s, opener %s | %.0f | %.0f | %.0f |\n",
                  std::string(sel) == "#blank" ? "target=_blank tab" : "window.open window",
                  front ? "kept in front (footfall)" : "left behind (before)", s.pct(0.5),
                  s.pct(0.9), s.pct(1.0));
    }
  }
  stats np;
  for (int r = 0; r < rounds * 4; ++r) co_await new_page_round(b, &np);
  std::printf("\n| browser::new_page (%d pages) | median ms | p90 ms | max ms |\n|---|---|---|---|\n",
              rounds * 4);
  std::printf("| paused, configured in one burst, resumed | %.1f | %.1f | %.1f |\n", np.pct(0.5),
              np.pct(0.9), np.pct(1.0));
  co_await b->close();
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  bench::args a("bench_targets");
  a.operand("ROUNDS", [&rounds](const std::string& v) { rounds = std::max(1, std::stoi(v)); });
  a.parse(argc, argv);
  cdp::browser_process proc;
  asio::io_context io;
  auto done = asio::co_spawn(io, run_all(proc.endpoint(), rounds), asio::use_future);
  io.run();
  done.get();
  return 0;
}
