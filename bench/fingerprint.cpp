// bench_fingerprint: what a fingerprinting script sees of footfall's sessions in each browser.
// The same seeded sessions (user agent and viewport drawn as `footfall run` draws them, the
// identity applied as `run` applies it: engine/identity.hpp) open test/site/fingerprint.html in
// full Chromium and in chromium-headless-shell, one browser context per session as in a run; the
// page's readings are compared key by key and every key that differs is printed.
//
// usage: bench_fingerprint [--sessions N] [--seed S] [--all] [--json]
//   --all   print every key, not only the ones that differ
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cdp/browser.hpp"
#include "cdp/browser_choice.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/launcher.hpp"
#include "engine/config/config.hpp"
#include "engine/browsers/launch_flags.hpp"
#include "engine/journey/session_runner.hpp"
#include "support/http_server.hpp"

using namespace footfall;
using json = nlohmann::json;
namespace asio = boost::asio;

namespace {

struct options {
  int sessions = 8;
  std::uint64_t seed = 25;
  bool all = false;
  bool json_out = false;
};

// Values as text, so numbers and strings compare and print alike.
std::string text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

asio::awaitable<json> read_fingerprint(std::shared_ptr<cdp::browser> b, cdp::page_options po,
                                       std::string url) {
  const auto ctx = co_await b->create_context();
  auto page = co_await b->new_page(ctx, po);
  co_await page.navigate(url);
  // The page gathers asynchronously (permissions, high-entropy hints, media devices).
  auto fp = co_await page.evaluate(
      "new Promise(r => { const t = () => window.__fingerprint ? r(window.__fingerprint) : "
      "setTimeout(t, 20); t(); })",
      std::chrono::milliseconds(15000));
  co_await b->dispose_context(ctx);
  co_return fp;
}

std::vector<json> run_browser(cdp::browser_kind kind, const std::vector<storage::session_row>& rows,
                              const std::string& url) {
  cdp::launch_options lo;
  lo.browser = kind;
  lo.executable = cdp::resolve_executable(kind, "").path;
  if (auto why = cdp::browser_unusable(kind, false, {lo.executable})) {
    std::fprintf(stderr, "bench_fingerprint: %s\n", why->c_str());
    std::exit(2);
  }
  lo.extra_args = engine::session_launch_args();
  cdp::browser_process proc(lo);
  cdp::io_thread io;
  auto b = io.run(cdp::browser::connect(proc.endpoint()));
  std::vector<json> out;
  for (const auto& row : rows)
    out.push_back(io.run(read_fingerprint(b, engine::session_page_options(row, 15000), url)));
  io.run([](std::shared_ptr<cdp::browser> br) -> asio::awaitable<void> {
    co_await br->close();
  }(std::move(b)));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--sessions" && i + 1 < argc)
      o.sessions = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc)
      o.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--all")
      o.all = true;
    else if (a == "--json")
      o.json_out = true;
    else {
      std::fprintf(stderr, "usage: bench_fingerprint [--sessions N] [--seed S] [--all] [--json]\n");
      return 2;
    }
  }
  if (o.sessions < 1) {
    std::fprintf(stderr, "--sessions: expected a positive integer\n");
    return 2;
  }
  cdp::become_child_subreaper();
  test::http_server site(FOOTFALL_TEST_SITE);
  const auto url = site.url("/fingerprint.html");

  // The sessions a campaign of this seed would get: the default user agents, three viewports.
  storage::campaign camp;
  camp.seed = o.seed;
  camp.user_agent_rotation = true;
  engine::campaign_settings s;
  s.viewports = {{1366, 768}, {1920, 1080}, {1280, 800}};
  std::vector<storage::session_row> rows(static_cast<std::size_t>(o.sessions));
  for (int i = 0; i < o.sessions; ++i) {
    rows[i].session_index = i;
    engine::assign_identity(camp, s, rows[i]);
  }

  const auto full = run_browser(cdp::browser_kind::chromium, rows, url);
  const auto shell = run_browser(cdp::browser_kind::headless_shell, rows, url);

  // Per key: how many sessions differ, and the values each browser showed (distinct).
  std::set<std::string> keys;
  for (const auto& f : full) for (auto it = f.begin(); it != f.end(); ++it) keys.insert(it.key());
  for (const auto& f : shell) for (auto it = f.begin(); it != f.end(); ++it) keys.insert(it.key());
  json rows_out = json::array();
  int differing = 0;
  for (const auto& k : keys) {
    int diff = 0;
    std::set<std::string> vf, vs;
    for (std::size_t i = 0; i < full.size(); ++i) {
      const auto a = full[i].contains(k) ? text(full[i][k]) : "(absent)";
      const auto b = shell[i].contains(k) ? text(shell[i][k]) : "(absent)";
      vf.insert(a);
      vs.insert(b);
      if (a != b) ++diff;
    }
    if (diff) ++differing;
    if (!diff && !o.all) continue;
    auto join = [](const std::set<std::string>& v) {
      if (v.size() > 3) return std::to_string(v.size()) + " values";
      std::string out;
      for (const auto& x : v) out += (out.empty() ? "" : " | ") + x;
      return out;
    };
    rows_out.push_back({{"key", k}, {"chromium", join(vf)}, {"headless_shell", join(vs)},
                        {"sessions_differing", diff}});
  }
  if (o.json_out) {
    std::printf("%s\n", json{{"sessions", o.sessions}, {"seed", o.seed}, {"keys", keys.size()},
                             {"keys_differing", differing}, {"rows", rows_out}}
                            .dump(2)
                            .c_str());
    return 0;
  }
  std::printf("%d sessions (seed %llu), %zu keys read, %d differ between the browsers\n\n",
              o.sessions, static_cast<unsigned long long>(o.seed), keys.size(), differing);
  std::printf("| key | chromium | headless-shell | sessions differing |\n|---|---|---|---|\n");
  for (const auto& r : rows_out)
    std::printf("| %s | %s | %s | %d/%d |\n", r["key"].get<std::string>().c_str(),
                r["chromium"].get<std::string>().c_str(),
                r["headless_shell"].get<std::string>().c_str(), r["sessions_differing"].get<int>(),
                o.sessions);
  return 0;
}
