// bench/capacity: how many human-paced (pace 1) visitors one machine holds at fidelity, footfall
// beside Playwright (issue 12 item 3). Ramps concurrent visitors step by step on the fixture site
// (test/site/journey, served here on 127.0.0.1, with the tests' input recorder replaced by a
// counter of the input the pages see: capacity/page_events.js says why); at each step every visitor runs sessions back to
// back for a warm-up plus a measured hold window, footfall's step then Playwright's at the same
// count (interleaved, so both see the same load from the rest of the machine). A step holds while
// the action start lag p95 <= 250 ms and pages load in <= 1.5x or <= +100 ms of the time they
// took in the tool's own first (unloaded, held twice as long) step — the medians of each load
// over and above its page's unloaded p50 (step.hpp load_slowdown, load_excess_ms) — and < 5 %
// sessions failed, >= 10 % memory is left; a
// tool's ramp stops at its first broken step. Prints a row per step and tool, then per tool: most
// visitors held, actions per visitor-minute (the work rate), input events per visitor-minute as
// the pages counted them (the same workload, checked from the site's side), PSS per visitor,
// CPU per visitor-minute and per action, and the binding limit.
//
// usage: bench_capacity [--steps 1,2,4,8,12] [--warm-s 8] [--hold-s 30] [--browsers 1]
//                       [--tools footfall,playwright] [--browser chromium,headless-shell]
//                       [--page-health on,off] [--flag F]... [--label TEXT]
//                       [--node-modules DIR] [--database-url URL] [--data-dir DIR] [--json]
// --flag adds a Chromium flag for both tools (lever experiments); --browsers spreads footfall's
// contexts over that many browsers. --browser lists the browsers each tool runs on (default
// chromium; the executable by the CLI's rule, cdp/browser_choice.hpp): at every step each tool
// runs on each browser back to back, so the rows of one step saw the same machine; each
// tool-on-browser is its own ramp ("footfall@headless-shell"), with its own unloaded bar.
// --page-health on,off runs footfall's ramps with and without page health (the campaign's
// "page_health": requests and vitals recorded; default on only), interleaved step by step.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cdp/browser_choice.hpp"
#include "bench/capacity/footfall_step.hpp"
#include "bench/common/args.hpp"
#include "bench/common/setup.hpp"
#include "bench/capacity/playwright_step.hpp"
#include "engine/browsers/launch_flags.hpp"
#include "storage/connection.hpp"
#include "support/http_server.hpp"

using namespace footfall;
using nlohmann::json;

namespace {

struct options {
  std::vector<int> steps{1, 2, 4, 8, 12};  // a default run stays within ~10 min
  double warm_s = 8, hold_s = 30;
  int browsers = 1;
  std::vector<std::string> tools{"footfall", "playwright"};
  std::vector<cdp::browser_kind> browsers_kind{cdp::browser_kind::chromium};
  std::vector<std::string> flags;
  std::string label = "-";
  std::vector<bool> page_health{true};  ///< footfall's ramps: with and/or without page health
  std::string node_modules = "/tmp/footfall-anchors/node_modules";
  std::string database_url, data_dir = "/var/lib/footfall/bench-pg-capacity";
  bool json = false;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, ',');)
    if (!x.empty()) out.push_back(x);
  return out;
}

options parse(int argc, char** argv) {
  options o;
  bench::args a("bench_capacity");
  a.value("--steps", "1,2,4,...", [&o](const std::string& v) {
    o.steps.clear();
    for (const auto& s : split(v)) o.steps.push_back(std::stoi(s));
  });
  a.value("--warm-s", "S", &o.warm_s).value("--hold-s", "S", &o.hold_s);
  a.value("--browsers", "N", &o.browsers);
  a.value("--tools", "footfall,playwright", [&o](const std::string& v) { o.tools = split(v); });
  a.value("--browser", "chromium,headless-shell", [&o](const std::string& v) {
    o.browsers_kind.clear();
    for (const auto& b : split(v)) {
      const auto k = cdp::parse_browser_kind(b);
      if (!k) throw std::invalid_argument(std::string(cdp::browser_kind_rule) + ", got '" + b + "'");
      o.browsers_kind.push_back(*k);
    }
  });
  a.value("--page-health", "on,off", [&o](const std::string& v) {
    o.page_health.clear();
    for (const auto& x : split(v)) {
      if (x != "on" && x != "off") throw std::invalid_argument("--page-health: on, off or on,off");
      o.page_health.push_back(x == "on");
    }
  });
  a.value("--flag", "F (repeatable)", [&o](const std::string& v) { o.flags.push_back(v); });
  a.value("--label", "T", &o.label).value("--node-modules", "DIR", &o.node_modules);
  a.database(&o.database_url, &o.data_dir).set("--json", &o.json).parse(argc, argv);
  return o;
}

/// Footfall's flags as `footfall run` passes them, for Playwright to launch the same way.
std::vector<std::string> shared_flags(const cdp::launch_options& l) {
  std::vector<std::string> out;
  const auto all = cdp::chromium_args(l, "/unused");
  for (std::size_t i = 1; i < all.size(); ++i)
    if (all[i].rfind("--user-data-dir=", 0) != 0 && all[i].rfind("--remote-debugging", 0) != 0 &&
        all[i] != "about:blank")
      out.push_back(all[i]);
  return out;
}

/// The window's visitor-minutes: what every per-visitor rate below divides by.
double visitor_minutes(const bench::step_result& r) { return r.visitors * r.window_s / 60.0; }

double per_visitor_minute(const bench::step_result& r) { return r.cpu_s / visitor_minutes(r); }

// The work rate in journey steps (a think, then an action or a link: both tools count them
// alike). The two tools' visitors follow the same plan, but how long an action itself takes (a
// Fitts-timed move, a flick of notches, per-key typing) is each tool's own, so a visitor-minute
// is not the same amount of work for both. Read capacity beside this and the page's counts.
double actions_per_visitor_minute(const bench::step_result& r) {
  return static_cast<double>(r.actions) / visitor_minutes(r);
}

/// Trusted input events of `type` the pages saw per visitor-minute (page_events.js).
double events_per_visitor_minute(const bench::step_result& r, const std::string& type) {
  const auto it = r.page_events.find(type);
  return static_cast<double>(it == r.page_events.end() ? 0 : it->second) / visitor_minutes(r);
}

/// "moves / wheels / presses / keys" per visitor-minute, as the pages counted them.
std::string input_rates(const bench::step_result& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.0f / %.0f / %.1f / %.0f",
                events_per_visitor_minute(r, "mousemove"), events_per_visitor_minute(r, "wheel"),
                events_per_visitor_minute(r, "mousedown"), events_per_visitor_minute(r, "keydown"));
  return buf;
}

void print_row(const options& o, const bench::step_result& r, const std::string& verdict) {
  std::printf(
      "| %s | %d | %s | %d/%d | %ld | %.1f | %s | %.0f | %.0f | %.0f (%zu) | %.2f, %+.0f ms | "
      "%.0f | %.0f | %.2f | "
      "%.0f%% | %.0f%% | %s |\n",
      o.label.c_str(), r.visitors, r.tool.c_str(), r.sessions - r.failed, r.sessions, r.actions,
      actions_per_visitor_minute(r), input_rates(r).c_str(), r.lag_p50_ms, r.lag_p95_ms,
      r.load_p50_ms, r.loads.size(), r.load_slowdown, r.load_excess_ms, r.peak_pss_mib,
      r.peak_pss_mib / r.visitors, per_visitor_minute(r), 100 * r.driver_cpu_s / r.cpu_s,
      r.machine_busy * 100,
      verdict.empty() ? "holds" : ("breaks: " + verdict).c_str());
  std::fflush(stdout);
}

json to_json(const options& o, const bench::step_result& r, const std::string& verdict) {
  return {{"label", o.label},
          {"tool", r.tool},
          {"visitors", r.visitors},
          {"sessions", r.sessions},
          {"failed", r.failed},
          {"actions", r.actions},
          {"actions_per_visitor_min", actions_per_visitor_minute(r)},
          {"page_events", r.page_events},
          {"lag_p50_ms", r.lag_p50_ms},
          {"lag_p95_ms", r.lag_p95_ms},
          {"load_p50_ms", r.load_p50_ms},
          {"loads", r.loads.size()},
          {"load_slowdown", r.load_slowdown},
          {"load_excess_ms", r.load_excess_ms},
          {"peak_pss_mib", r.peak_pss_mib},
          {"cpu_s", r.cpu_s},
          {"driver_cpu_s", r.driver_cpu_s},
          {"window_s", r.window_s},
          {"cpu_s_per_visitor_min", per_visitor_minute(r)},
          {"machine_busy", r.machine_busy},
          {"breaks", verdict}};
}

/// Per tool: the last step that held and why the next one broke.
struct tool_state {
  std::map<std::string, double> unloaded;  ///< each page's load p50 in the first step
  bool broken = false;
  std::string limit = "none within the steps";
  std::optional<bench::step_result> held;
};

void print_summary(const options& o, const std::map<std::string, tool_state>& st) {
  std::printf(
      "\n| label | tool | most visitors held | steps / visitor-min | input events / visitor-min "
      "(moves / wheels / presses / keys) | PSS MiB / visitor | CPU s / visitor-min | "
      "CPU s / step | binding limit |\n|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& [tool, s] : st) {
    if (!s.held) {
      std::printf("| %s | %s | 0 | - | - | - | - | - | %s |\n", o.label.c_str(), tool.c_str(),
                  s.limit.c_str());
      continue;
    }
    const auto& h = *s.held;
    std::printf("| %s | %s | %d | %.1f | %s | %.0f | %.2f | %.2f | %s |\n", o.label.c_str(),
                tool.c_str(), h.visitors, actions_per_visitor_minute(h), input_rates(h).c_str(),
                h.peak_pss_mib / h.visitors, per_visitor_minute(h),
                h.actions > 0 ? h.cpu_s / static_cast<double>(h.actions) : NAN, s.limit.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  // Quiet unless asked (FOOTFALL_LOG_LEVEL, as footfall reads it): the tables are the output.
  const char* level = std::getenv("FOOTFALL_LOG_LEVEL");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::err);
  const std::string url = bench::open_database(o.database_url, o.data_dir).url;
  // Declared before the site, whose thread may still deliver a late report while it stops.
  bench::page_event_tally page_events;
  test::http_server site(FOOTFALL_SOURCE_DIR "/test/site");
  // The tests' recorder out, a counter of the input the pages see in (page_events.js says why).
  {
    std::ifstream in(FOOTFALL_SOURCE_DIR "/bench/capacity/page_events.js");
    const std::string counter{std::istreambuf_iterator<char>(in), {}};
    if (counter.empty()) throw std::runtime_error("bench/capacity/page_events.js: not readable");
    site.handle("/recorder.js", [counter](const test::http_request&) {
      return test::http_response{200, "text/javascript", counter, {}};
    });
    site.handle("/__page-events", [&page_events](const test::http_request& q) {
      page_events.add(q.body);
      return test::http_response{204, "text/plain", "", {}};
    });
  }
  storage::writer writer(bench::writer_into(url));

  // Per browser: footfall's pool and Playwright's launch, as `footfall run` launches it
  // (engine/cli/cmd_run.cpp), plus the experiment's flags; Playwright gets the same binary and
  // the same flags (no --headless for the shell, which is headless only).
  std::map<cdp::browser_kind, bench::footfall_setup> fss;
  std::map<cdp::browser_kind, bench::playwright_setup> pss;
  for (const auto kind : o.browsers_kind) {
    auto& fs = fss[kind];
    fs.database_url = url;
    fs.writer = &writer;
    fs.browsers = o.browsers;
    fs.launch.browser = kind;
    const auto exe = cdp::resolve_executable(kind, "");
    if (auto why = cdp::browser_unusable(kind, false, exe)) {
      std::fprintf(stderr, "bench_capacity: %s\n", why->c_str());
      return 2;
    }
    fs.launch.executable = exe.path;
    fs.launch.extra_args = engine::session_launch_args();
    fs.launch.extra_args.insert(fs.launch.extra_args.end(), o.flags.begin(), o.flags.end());
    pss[kind] = bench::playwright_setup{FOOTFALL_SOURCE_DIR "/bench/capacity_playwright.js",
                                        o.node_modules, fs.launch.executable,
                                        shared_flags(fs.launch)};
  }
  // The ramps: each tool on each browser.
  // With --page-health on,off, footfall runs each browser both ways ("footfall-health-off"), so
  // the cost of recording requests and vitals is read at the same step on the same machine.
  struct ramp {
    std::string name, tool;
    cdp::browser_kind kind;
    bool page_health = true;
  };
  std::vector<ramp> ramps;
  for (const auto& tool : o.tools)
    for (const auto kind : o.browsers_kind)
      for (const bool health : tool == "footfall" ? o.page_health : std::vector<bool>{true}) {
        std::string name = tool;
        if (!health) name += "-health-off";
        if (o.browsers_kind.size() > 1) name += "@" + std::string(cdp::to_string(kind));
        ramps.push_back({name, tool, kind, health});
      }

  const double mem_total = bench::mem_total_mib();
  if (!o.json) {
    std::printf(
        "bench/capacity: pace-1 visitors on test/site/journey, warm %.0f s + hold %.0f s "
        "per step, footfall on %d browser(s); %u cores, %.0f MiB; browsers:",
        o.warm_s, o.hold_s, o.browsers, std::thread::hardware_concurrency(), mem_total);
    for (const auto kind : o.browsers_kind)
      std::printf(" %s (%s)", cdp::to_string(kind), fss.at(kind).launch.executable.c_str());
    std::printf("\n\n");
    std::printf(
        "| label | visitors | tool | sessions ok | steps | steps / visitor-min | "
        "input events / visitor-min (moves / wheels / presses / keys) | lag p50 ms | lag p95 ms | load p50 ms (loads) | load ÷ and − unloaded, per page | PSS MiB | "
        "PSS / visitor | CPU s / visitor-min | driver share | machine busy | fidelity |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  }
  std::map<std::string, tool_state> st;
  for (std::size_t k = 0; k < o.steps.size(); ++k) {
    const int n = o.steps[k];
    for (const auto& rp : ramps) {
      const auto& tool = rp.name;
      auto& s = st[tool];
      if (s.broken) continue;
      // The unloaded (first) step is held twice as long: its load p50 is every later step's bar.
      const double hold = k == 0 ? 2 * o.hold_s : o.hold_s;
      const bench::step_plan plan{n, o.warm_s, hold, site.url(""), 12};
      bench::step_result r;
      try {
        if (rp.tool == "footfall") {
          auto fs = fss.at(rp.kind);
          fs.page_health = rp.page_health;
          r = bench::run_footfall_step(plan, fs);
        } else {
          r = bench::run_playwright_step(plan, pss.at(rp.kind));
        }
        r.tool = tool;
      } catch (const std::exception& e) {
        r.tool = tool;
        r.visitors = n;
        r.error = e.what();
        spdlog::error("{} step {}: {}", tool, n, e.what());
      }
      r.page_events = page_events.between(r.window_from, r.window_to);
      if (k == 0) s.unloaded = bench::load_p50_by_page(r.loads);
      r.load_slowdown = bench::load_slowdown(r.loads, s.unloaded);
      r.load_excess_ms = bench::load_excess_ms(r.loads, s.unloaded);
      const auto verdict = bench::fidelity_break(r, mem_total);
      if (o.json)
        std::cout << "RESULT " << to_json(o, r, verdict).dump() << std::endl;
      else
        print_row(o, r, verdict);
      if (verdict.empty()) {
        s.held = r;
      } else {
        s.broken = true;
        s.limit = verdict;
      }
    }
    bool all_broken = true;
    for (const auto& rp : ramps) all_broken = all_broken && st[rp.name].broken;
    if (all_broken) break;
  }
  writer.close();
  if (!o.json) print_summary(o, st);
  return 0;
}
