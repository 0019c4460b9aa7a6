// footfall visit URL: one visitor, one page — navigate, scroll, click a same-origin link chosen
// by the seed, type into the first text field; each action printed as a run would store it.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/browser.hpp"
#include "cdp/input.hpp"
#include "cdp/launcher.hpp"
#include "engine/cli/interrupt_guard.hpp"
#include "engine/cli/browser_flags.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/flag_rules.hpp"
#include "engine/config/config.hpp"
#include "engine/journey/actions.hpp"
#include "engine/journey/session_runner.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/page/page_agent.hpp"
#include "engine/persona/links.hpp"

namespace footfall::cli {
namespace {

namespace po = boost::program_options;
namespace asio = boost::asio;
using std::chrono::milliseconds;

struct visit_options {
  std::string url;
  bool headed = false;
  std::uint64_t seed = 1;
  bool json_lines = false;
  browser_flags browser;
  cdp::launch_options launch;  ///< resolved from `browser` (and the campaign's) in parse_visit_flags()
  long timeout_ms = 30000;
  std::string campaign;  ///< a campaign file: open the page with a session's identity
};

std::string iso_time(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  auto ms = std::chrono::duration_cast<milliseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(ms));
  return buf;
}

/// Prints each action as the visit recorder records it (the same rows a run stores).
void print(const storage::action_row& a, bool as_json) {
  const std::string type(storage::to_string(a.type));
  const auto sel = a.element_selector.value_or(""), text = a.element_text.value_or(""),
             input = a.input_value.value_or("");
  if (as_json) {
    nlohmann::ordered_json j = {{"type", type},
                                {"selector", sel},
                                {"text", text},
                                {"input", input},
                                {"x", a.x.value_or(0)},
                                {"y", a.y.value_or(0)},
                                {"start", iso_time(a.timestamp)},
                                {"duration_ms", a.duration_ms}};
    std::cout << j.dump() << std::endl;
  } else {
    std::printf("%-17s %-40s %-24s %-16s (%5d,%5d) %6d ms\n", type.c_str(), sel.c_str(),
                text.c_str(), input.c_str(), a.x.value_or(0), a.y.value_or(0), a.duration_ms);
    std::fflush(stdout);
  }
}

/// The page options: a campaign's session identity when one was given (the same user agent
/// draw and engine/persona/identity as `run`; the seed is the session's index), Chromium's otherwise.
cdp::page_options page_options_for(const visit_options& o) {
  cdp::page_options po;
  if (!o.campaign.empty()) {
    const auto f = as_usage_errors([&] { return engine::load_campaign_file(o.campaign); });
    storage::session_row row;
    row.session_index = static_cast<int>(o.seed % 1'000'000'000ull);
    engine::assign_identity(f.campaign, f.settings, row);
    po = engine::session_page_options(row, static_cast<int>(o.timeout_ms));
    spdlog::info("visit: identity of campaign {} session {} user_agent=\"{}\"", f.campaign.name,
                 row.session_index, row.user_agent);
  }
  po.default_timeout = milliseconds(o.timeout_ms);
  return po;
}

// The visit, from the engine's shared actions: open the page, scroll, follow a same-origin link
// chosen by the seed, type into the first text field.
asio::awaitable<void> visit(visit_options o, cdp::page_options page_opts,
                            std::shared_ptr<cdp::browser> b, engine::url_parts origin) {
  const milliseconds timeout(o.timeout_ms);
  engine::rng r(o.seed);
  engine::visit_recorder rec(
      storage::uuid::v7(), [](storage::page_record) {},
      [as_json = o.json_lines](const storage::action_row& a) { print(a, as_json); });
  auto ctx = co_await b->create_context();
  auto p = co_await b->new_page(ctx, page_opts);
  const auto agent = co_await engine::page_agent::install(p);
  const engine::action_context c{
      .page = p, .agent = agent.get(), .recorder = &rec, .r = &r, .pace = 1.0, .slow_mo_ms = 0};

  co_await engine::open_page(c, o.url, timeout);
  const auto vp = co_await agent->stats();
  co_await engine::move_to(c, {640, vp.viewport_height / 2.0}, 200);
  for (int i = 0; i < 3; ++i) co_await engine::wheel(c, 100 + r.between(0, 199));

  std::vector<int> allowed;
  const auto& links = rec.links();
  for (int i = 0; i < static_cast<int>(links.size()); ++i)
    if (engine::judge_link(links[static_cast<std::size_t>(i)], origin, nullptr) ==
        engine::link_verdict::ok)
      allowed.push_back(i);
  if (!allowed.empty())
    std::rotate(allowed.begin(), allowed.begin() + r.between(0, static_cast<int>(allowed.size()) - 1),
                allowed.end());
  if (allowed.empty() || !co_await engine::follow_link(c, allowed, timeout))
    spdlog::info("visit: no same-origin link to follow url={}", engine::strip_credentials(o.url));

  if (const auto field = co_await agent->pick(engine::pick_kind::type, 0, 0.5, 0.5)) {
    static const char* words[] = {"hello", "running shoes", "weekend trip", "blue", "pricing"};
    co_await engine::type_into(c, field->selector,
                               words[r.between(0, static_cast<int>(std::size(words)) - 1)]);
  }
  const auto last = co_await agent->stats();
  rec.leave(&last);
  co_await b->dispose_context(ctx);
}

/// The options, or nullopt when --help was printed.
std::optional<visit_options> parse_visit_flags(const args& a) {
  visit_options o;
  po::options_description desc("flags");
  desc.add_options()("url", po::value(&o.url)->required(), "page to visit (http or https)")(
      "headed", po::bool_switch(&o.headed), "show the browser window (needs DISPLAY)")(
      "seed", ranged(&o.seed, "seed", std::uint64_t{0}, std::uint64_t{1} << 63),
      "seed for the choices (link, scroll, text); default 1")(
      "json", po::bool_switch(&o.json_lines), "print each action as a JSON line")(
      "timeout-ms", ranged(&o.timeout_ms, "timeout-ms", 1L, 3'600'000L),
      "navigation and command timeout (default 30000)")(
      "campaign", po::value(&o.campaign),
      "campaign file: visit with the identity a session of it gets (its user agents, rotated "
      "by --seed when user_agent_rotation is on, viewport, platform, client hints, screen)");
  add_browser_flags(desc, o.browser);
  if (!parse_flags(a, desc, {"url"},
                   "usage: footfall visit URL [--headed] [--seed N] [--json] [--browser NAME] "
                   "[--chromium PATH] [--timeout-ms N] [--campaign FILE]\n"
                   "Visits URL once with a real Chromium: scroll, hover, click a same-origin "
                   "link, type into the first text field. Prints each action."))
    return std::nullopt;
  // The browser first: --headed with the headless shell is wrong whatever the display.
  std::optional<cdp::browser_kind> configured;  // a campaign file's "browser"
  if (!o.campaign.empty())
    configured = cdp::parse_browser_kind(
        as_usage_errors([&] { return engine::load_campaign_file(o.campaign); }).settings.browser);
  o.launch = resolve_launch(o.browser, configured, o.headed);
  if (o.headed && !std::getenv("DISPLAY"))
    throw usage_error("--headed: needs a display (DISPLAY is unset; try xvfb-run)");
  return o;
}

}  // namespace

int cmd_visit(const args& a) {
  const auto parsed = parse_visit_flags(a);
  if (!parsed) return ok;  // --help
  const visit_options& o = *parsed;
  auto origin = engine::parse_url(o.url);
  if (!origin)
    throw usage_error("URL: must be an absolute http:// or https:// URL, got '" + o.url + "'");

  const auto page_opts = page_options_for(o);  // bad campaign file: exit 2 before any browser

  cdp::become_child_subreaper();
  cdp::launch_options lo = o.launch;
  cdp::browser_process proc(lo);

  asio::io_context io(1);
  interrupt_guard signals(io, "visit");
  std::exception_ptr failure;
  asio::co_spawn(
      io,
      [](visit_options o, cdp::page_options po, cdp::devtools_endpoint ep,
         engine::url_parts origin) -> asio::awaitable<void> {
        auto b = co_await cdp::browser::connect(ep);
        co_await visit(o, po, b, origin);
        co_await b->close();
      }(o, page_opts, proc.endpoint(), *origin),
      [&](std::exception_ptr e) {
        failure = e;
        signals.cancel();
      });
  io.run();
  signals.rethrow_if_interrupted();
  if (failure) std::rethrow_exception(failure);
  return ok;
}

}  // namespace footfall::cli
