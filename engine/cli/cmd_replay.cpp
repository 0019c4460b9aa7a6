// footfall replay SESSION_ID: performs a recorded session again (engine/replay/replay.hpp) and reports
// each step; exit 0 reproduced, 1 diverged (naming the step), 2 bad input, 3 runtime failure.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "cdp/browser.hpp"
#include "cdp/launcher.hpp"
#include "engine/browsers/launch_flags.hpp"
#include "engine/cli/interrupt_guard.hpp"
#include "engine/cli/browser_flags.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/database.hpp"
#include "engine/config/config.hpp"
#include "engine/cli/flag_rules.hpp"
#include "engine/persona/links.hpp"
#include "engine/replay/replay.hpp"
#include "storage/replay_queries.hpp"
#include "storage/repositories.hpp"

namespace footfall::cli {
namespace {

namespace po = boost::program_options;
namespace asio = boost::asio;

struct replay_flags {
  engine::database_options db;
  std::string session;
  bool headed = false;
  bool cursor = false;
  int slow_mo = 0;
  double speed = 1.0;
  bool step = false;
  std::string target_url;
  bool json = false;
  std::string screenshot_dir = ".";
  double tolerance = 3;
  long timeout_ms = 15000;
  browser_flags browser;
};

const char* synopsis =
    "usage: footfall replay SESSION_ID [--headed] [--slow-mo MS] [--speed X] [--step]\n"
    "                       [--target-url URL] [--json] [--cursor] [--screenshot-dir DIR]\n"
    "Performs a recorded session again in one browser with the same viewport, user agent and\n"
    "timing (scaled by --speed), with real input, and checks every step: the recorded element is\n"
    "there, under the recorded point, with the recorded text; a click leads where it led; no new\n"
    "console error. Exit 0 reproduced, 1 diverged (the step is named; a PNG of the page at the\n"
    "first divergence is written), 2 bad input, 3 runtime failure. Values the database holds\n"
    "redacted (passwords, card numbers) are typed as a placeholder, which is said, not a\n"
    "divergence. --headed and --cursor draw the pointer in the page (an element the page can\n"
    "see, id __footfall_cursor); --step waits for Enter on stdin before each action.";

std::optional<replay_flags> parse_replay_flags(const args& a) {
  replay_flags f;
  po::options_description d("footfall replay");
  engine::add_database_flags(d, f.db);
  d.add_options()("session", po::value(&f.session)->required(), "session id (UUID)")(
      "headed", po::bool_switch(&f.headed), "show the browser (needs DISPLAY); draws the cursor")(
      "cursor", po::bool_switch(&f.cursor), "draw the cursor overlay even when headless")(
      "slow-mo", ranged(&f.slow_mo, "slow-mo", 0, 60'000)->value_name("MS"), "extra pause before every input")(
      "speed", ranged(&f.speed, "speed", 0.001, 1000.0)->value_name("X"), "recorded timing divided by X (default 1)")(
      "step", po::bool_switch(&f.step), "wait for Enter on stdin before each action")(
      "target-url", po::value(&f.target_url)->value_name("URL"),
      "replay against this origin instead of the recorded one")(
      "json", po::bool_switch(&f.json), "print the result as one JSON document")(
      "screenshot-dir", po::value(&f.screenshot_dir)->value_name("DIR"),
      "where the PNG of the first divergence goes (default .)")(
      "tolerance", ranged(&f.tolerance, "tolerance", 0.0, 10'000.0)->value_name("PX"),
      "how far outside the element a recorded point may lie (default 3)")(
      "timeout-ms", ranged(&f.timeout_ms, "timeout-ms", 1L, 3'600'000L)->value_name("MS"),
      "navigation budget (default 15000)");
  add_browser_flags(d, f.browser);
  if (!parse_flags(a, d, {"session"}, synopsis)) return std::nullopt;
  if (!storage::uuid::parse(f.session))
    throw usage_error("SESSION_ID: expected a session id (UUID), got '" + f.session + "'");
  if (!f.target_url.empty()) {
    const auto u = engine::parse_url(f.target_url);
    if (!u) throw usage_error("--target-url: expected an http:// or https:// URL with a host");
    if (u->path != "/")
      throw usage_error("--target-url: only the origin is replaced; give no path (got '" +
                        f.target_url + "')");
  }
  // A bad --browser (or --headed with the headless shell) is named before the display is.
  if (!f.browser.browser.empty()) resolve_launch(f.browser, std::nullopt, f.headed);
  if (f.headed && !std::getenv("DISPLAY"))
    throw usage_error("--headed: needs a display (DISPLAY is unset; try xvfb-run)");
  return f;
}

/// --step: the next action on stderr, then a line from stdin. Stdin at its end turns stepping
/// off (the replay goes on at its recorded pace).
struct stepper {
  std::optional<asio::posix::stream_descriptor> in;
  std::string buf;
  bool on = true;
};

std::string describe(const engine::replay_step& st, int total) {
  std::string s = "step " + std::to_string(st.number) + "/" + std::to_string(total) + " visit " +
                  std::to_string(st.visit_order) + " " +
                  std::string(storage::to_string(st.action.type));
  if (st.action.element_selector) s += " " + *st.action.element_selector;
  if (st.action.x && st.action.y)
    s += " at (" + std::to_string(*st.action.x) + "," + std::to_string(*st.action.y) + ")";
  if (st.action.input_value && !st.action.input_value->empty())
    s += " '" + *st.action.input_value + "'";
  if (st.action.type == storage::action_type::page_load) s += " " + st.page_url;
  return s;
}

asio::awaitable<void> wait_enter(stepper* s, int total, engine::replay_step st) {
  if (!s->on) co_return;
  std::fprintf(stderr, "next: %s  [Enter]\n", describe(st, total).c_str());
  std::fflush(stderr);
  if (s->in) {
    boost::system::error_code ec;
    const auto n = co_await asio::async_read_until(*s->in, asio::dynamic_buffer(s->buf), '\n',
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      s->on = false;
      spdlog::info("replay --step: stdin closed; going on without stepping");
    } else {
      s->buf.erase(0, n);
    }
  } else if (std::string line; !std::getline(std::cin, line)) {
    s->on = false;  // a regular file cannot be watched by epoll: read it as it is
  }
}

void print_step(const engine::step_result& r, int total) {
  std::printf("step %3d/%d visit %d %-17s %-40s %s%s%s\n", r.number, total, r.visit_order,
              r.action.c_str(), r.selector.c_str(),
              r.matched ? "match" : ("DIVERGED " + std::string(engine::to_string(*r.kind))).c_str(),
              r.detail.empty() ? "" : ": ", r.detail.c_str());
  std::fflush(stdout);
}

asio::awaitable<void> print_after(int total, cdp::page, engine::step_result r) {
  print_step(r, total);
  co_return;
}

nlohmann::ordered_json step_json(const engine::step_result& r) {
  nlohmann::ordered_json j{{"step", r.number},     {"visit", r.visit_order},
                           {"action", r.action},   {"selector", r.selector},
                           {"matched", r.matched}, {"placeholder", r.placeholder}};
  j["divergence"] = r.kind ? nlohmann::ordered_json(std::string(engine::to_string(*r.kind)))
                           : nlohmann::ordered_json();
  j["detail"] = r.detail;
  return j;
}

int report(const replay_flags& f, const engine::replay_result& res) {
  const engine::step_result* first =
      res.first_divergence ? &res.steps[static_cast<std::size_t>(*res.first_divergence)] : nullptr;
  if (f.json) {
    nlohmann::ordered_json j{{"session", f.session},
                             {"reproduced", res.reproduced()},
                             {"total_steps", res.total_steps},
                             {"steps_replayed", res.steps.size()},
                             {"recorded_ms", res.recorded.count()},
                             {"replayed_ms", res.replayed.count()},
                             {"skipped_popup_visits", res.skipped_visits}};
    j["first_divergence"] = first ? step_json(*first) : nlohmann::ordered_json();
    j["screenshot"] = res.screenshot ? nlohmann::ordered_json(*res.screenshot) : nullptr;
    auto steps = nlohmann::ordered_json::array();
    for (const auto& s : res.steps) steps.push_back(step_json(s));
    j["steps"] = std::move(steps);
    std::cout << j.dump(2) << std::endl;
  } else {
    if (res.skipped_visits > 0)
      std::printf("%d popup/new-tab visit(s) not replayed (replay stays in the session's tab)\n",
                  res.skipped_visits);
    if (res.screenshot) std::printf("screenshot: %s\n", res.screenshot->c_str());
    if (first)
      std::printf("diverged at step %d (%s %s): %s: %s\n", first->number, first->action.c_str(),
                  first->selector.c_str(), std::string(engine::to_string(*first->kind)).c_str(),
                  first->detail.c_str());
    else
      std::printf("reproduced: %d steps matched in %.1f s (recorded: %.1f s)\n", res.total_steps,
                  res.replayed.count() / 1000.0, res.recorded.count() / 1000.0);
  }
  return first ? verdict_failed : ok;
}

}  // namespace

int cmd_replay(const args& a) {
  const auto parsed = parse_replay_flags(a);
  if (!parsed) return ok;  // --help
  const replay_flags& f = *parsed;
  std::optional<storage::recording> rec;
  std::optional<cdp::browser_kind> recorded_in;  // the campaign's "browser"
  {
    storage::connection c(engine::open_database(f.db));
    rec = storage::load_recording(c, *storage::uuid::parse(f.session));
    if (rec)
      if (auto camp = storage::campaign_repository(c).find(rec->session.campaign_id))
        recorded_in = cdp::parse_browser_kind(
            engine::campaign_settings::from_json(camp->settings).browser);
  }
  if (!rec) throw usage_error("SESSION_ID: no session " + f.session + " in the database");
  if (rec->pages.empty())
    throw usage_error("SESSION_ID: session " + f.session + " has no recorded page visits (status " +
                      std::string(storage::to_string(rec->session.status)) + ")");
  engine::replay_options o;
  o.speed = f.speed;
  o.slow_mo_ms = f.slow_mo;
  o.cursor_overlay = f.headed || f.cursor;
  o.screenshot_dir = f.screenshot_dir;
  o.tolerance_px = f.tolerance;
  o.navigation_timeout = std::chrono::milliseconds(f.timeout_ms);
  if (!f.target_url.empty()) o.target_origin = engine::parse_url(f.target_url)->origin();
  if (!f.json)
    std::printf("replay of session %s: viewport %dx%d, user agent \"%s\"%s%s\n", f.session.c_str(),
                rec->session.viewport_width, rec->session.viewport_height,
                rec->session.user_agent.c_str(), o.target_origin.empty() ? "" : ", on ",
                o.target_origin.c_str());

  cdp::become_child_subreaper();
  // The browser the recording's campaign ran in unless --browser says otherwise: the two lay
  // some pages out alike but are not the same embedder.
  cdp::launch_options lo = resolve_launch(f.browser, recorded_in, f.headed);
  // The flags `footfall run` launches with (engine/browsers/launch_flags.hpp): layout and scrolling must be
  // the recording's for the recorded points to mean the same elements.
  lo.extra_args = engine::session_launch_args();
  cdp::browser_process proc(lo);

  asio::io_context io(1);
  interrupt_guard signals(io, "replay");
  stepper st;
  if (f.step) {
    try {
      st.in.emplace(io, ::dup(STDIN_FILENO));
    } catch (const std::exception&) {
      st.in.reset();  // stdin is a regular file (epoll refuses those): read it synchronously
    }
  }
  engine::replay_hooks hooks;
  const int total = static_cast<int>(
      engine::plan_replay(*rec, "", "").size());  // numbering only; origins do not matter here
  if (f.step)
    hooks.before_step = [s = &st, total](engine::replay_step step) {
      return wait_enter(s, total, std::move(step));
    };
  if (!f.json)
    hooks.after_step = [total](cdp::page p, engine::step_result r) {
      return print_after(total, std::move(p), std::move(r));
    };
  std::exception_ptr failure;
  engine::replay_result result;
  asio::co_spawn(
      io,
      [](cdp::devtools_endpoint ep, storage::recording r, engine::replay_options o,
         engine::replay_hooks h, engine::replay_result* out) -> asio::awaitable<void> {
        auto b = co_await cdp::browser::connect(ep);
        *out = co_await engine::replay_session(b, std::move(r), std::move(o), std::move(h));
        co_await b->close();
      }(proc.endpoint(), std::move(*rec), o, hooks, &result),
      [&](std::exception_ptr e) {
        failure = e;
        signals.cancel();
        if (st.in) st.in->close();
      });
  io.run();
  signals.rethrow_if_interrupted();
  if (failure) std::rethrow_exception(failure);
  return report(f, result);
}

}  // namespace footfall::cli
