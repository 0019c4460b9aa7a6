// footfall visit URL: one visitor, one page — navigate, scroll, hover, click a same-origin link
// chosen by the seed, type into the first text field; each action printed with where and when.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/browser.hpp"
#include "cdp/input.hpp"
#include "cdp/launcher.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/links.hpp"

namespace footfall::cli {
namespace {

namespace po = boost::program_options;
namespace asio = boost::asio;
using cdp::json;
using std::chrono::milliseconds;

struct visit_options {
  std::string url;
  bool headed = false;
  std::uint64_t seed = 1;
  bool json_lines = false;
  std::string chromium = "/usr/bin/chromium";
  long timeout_ms = 30000;
};

/// One printed action.
struct action {
  std::string type, selector, text;
  double x = 0, y = 0;
  std::chrono::system_clock::time_point start;
  double duration_ms = 0;
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

void print(const action& a, bool as_json) {
  if (as_json) {
    nlohmann::ordered_json j = {{"type", a.type},
                                {"selector", a.selector},
                                {"text", a.text},
                                {"x", a.x},
                                {"y", a.y},
                                {"start", iso_time(a.start)},
                                {"duration_ms", std::round(a.duration_ms * 1000) / 1000}};
    std::cout << j.dump() << std::endl;
  } else {
    std::printf("%-9s %-40s %-24s (%7.1f,%7.1f) %8.1f ms\n", a.type.c_str(), a.selector.c_str(),
                a.text.c_str(), a.x, a.y, a.duration_ms);
    std::fflush(stdout);
  }
}

/// Times `body` (an awaitable factory) and prints the action it describes.
struct recorder {
  bool as_json;
  action begin(std::string type, std::string selector = {}, std::string text = {}) {
    action a;
    a.type = std::move(type);
    a.selector = std::move(selector);
    a.text = std::move(text);
    a.start = std::chrono::system_clock::now();
    return a;
  }
  void end(action& a, cdp::point at) {
    a.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::system_clock::now() - a.start)
            .count();
    a.x = at.x;
    a.y = at.y;
    print(a, as_json);
  }
};

// Every link with a selector that finds it again, and the first visible text field.
constexpr const char* survey_js = R"JS((() => {
  const path = (el) => {
    if (el.id) return '#' + CSS.escape(el.id);
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
      if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
      let i = 1;
      for (let s = e.previousElementSibling; s; s = s.previousElementSibling) i++;
      parts.unshift(e.tagName.toLowerCase() + ':nth-child(' + i + ')');
    }
    return parts.join(' > ');
  };
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const links = Array.from(document.querySelectorAll('a[href]')).filter(visible).map(a => ({
    href: a.href, download: a.hasAttribute('download'), selector: path(a),
    text: (a.textContent || '').trim().slice(0, 40) }));
  const field = Array.from(document.querySelectorAll(
      'input:not([type]), input[type=text], input[type=search], input[type=email], textarea'))
      .find(e => visible(e) && !e.disabled && !e.readOnly);
  return { links, field: field ? path(field) : null };
})())JS";

asio::awaitable<void> visit(visit_options o, std::shared_ptr<cdp::browser> b,
                            engine::url_parts origin) {
  recorder rec{o.json_lines};
  std::mt19937_64 rng(o.seed);
  const milliseconds timeout(o.timeout_ms);
  auto ctx = co_await b->create_context();
  cdp::page_options page_opts;
  page_opts.default_timeout = timeout;
  auto p = co_await b->new_page(ctx, page_opts);

  auto a = rec.begin("navigate", "", o.url);
  co_await p.navigate(o.url, timeout);
  rec.end(a, p.mouse().position);

  // Scroll: pointer into the page, then a few wheel notches of seeded size.
  auto vp = co_await p.viewport();
  a = rec.begin("scroll");
  const cdp::point centre{std::round(vp.width / 2), std::round(vp.height / 2)};
  co_await cdp::mouse_move(p, centre, 8);
  double scrolled = 0;
  for (int i = 0; i < 3; ++i) {
    const double dy = 100 + static_cast<double>(rng() % 200);
    co_await cdp::wheel(p, 0, dy);
    scrolled += dy;
    co_await cdp::sleep_for(milliseconds(120));
  }
  a.text = "deltaY " + std::to_string(static_cast<int>(scrolled));
  rec.end(a, p.mouse().position);

  auto survey = co_await p.evaluate(survey_js);
  std::vector<json> allowed;
  for (auto& l : survey["links"]) {
    engine::link_candidate c{l["href"].get<std::string>(), l["download"].get<bool>()};
    if (engine::judge_link(c, origin, nullptr) == engine::link_verdict::ok) allowed.push_back(l);
  }
  if (allowed.empty()) {
    spdlog::info("visit: no same-origin link to follow url={}", o.url);
  } else {
    const auto& link = allowed[rng() % allowed.size()];
    const auto sel = link["selector"].get<std::string>();
    a = rec.begin("hover", sel, link["text"].get<std::string>());
    auto at = co_await cdp::hover_element(p, sel, 12);
    rec.end(a, at);
    co_await cdp::sleep_for(milliseconds(150 + rng() % 250));

    a = rec.begin("click", sel, link["href"].get<std::string>());
    auto load = p.expect_load();
    auto box = co_await p.element_box(sel);
    at = {std::round(box.center().x), std::round(box.center().y)};
    cdp::click_options co;
    co.move_steps = 3;
    co.hold = milliseconds(60 + rng() % 60);
    co_await cdp::click(p, at, co);
    co_await load.wait(timeout);
    rec.end(a, at);
    survey = co_await p.evaluate(survey_js);
  }

  if (survey["field"].is_string()) {
    static const char* words[] = {"hello", "running shoes", "weekend trip", "blue", "pricing"};
    const std::string text = words[rng() % std::size(words)];
    const auto sel = survey["field"].get<std::string>();
    a = rec.begin("type", sel, text);
    auto at = co_await cdp::click_element(p, sel);
    co_await cdp::type_text(p, text, milliseconds(40 + rng() % 60));
    rec.end(a, at);
  }
  co_await b->dispose_context(ctx);
}

/// The options, or nullopt when --help was printed.
std::optional<visit_options> parse(const args& a) {
  visit_options o;
  po::options_description desc("flags");
  desc.add_options()("url", po::value(&o.url)->required(), "page to visit (http or https)")(
      "headed", po::bool_switch(&o.headed), "show the browser window (needs DISPLAY)")(
      "seed", po::value(&o.seed), "seed for the choices (link, scroll, text); default 1")(
      "json", po::bool_switch(&o.json_lines), "print each action as a JSON line")(
      "chromium", po::value(&o.chromium), "Chromium executable (default /usr/bin/chromium)")(
      "timeout-ms", po::value(&o.timeout_ms), "navigation and command timeout (default 30000)");
  po::positional_options_description pos;
  pos.add("url", 1);
  po::variables_map vm;
  if (!parse_flags(a, desc, pos, vm,
                   "usage: footfall visit URL [--headed] [--seed N] [--json] [--chromium PATH] "
                   "[--timeout-ms N]\n"
                   "Visits URL once with a real Chromium: scroll, hover, click a same-origin "
                   "link, type into the first text field. Prints each action."))
    return std::nullopt;
  if (o.timeout_ms <= 0) throw usage_error("--timeout-ms: must be a positive number of ms");
  if (o.headed && !std::getenv("DISPLAY"))
    throw usage_error("--headed: needs a display (DISPLAY is unset; try xvfb-run)");
  return o;
}

}  // namespace

int cmd_visit(const args& a) {
  const auto parsed = parse(a);
  if (!parsed) return ok;  // --help
  const visit_options& o = *parsed;
  auto origin = engine::parse_url(o.url);
  if (!origin)
    throw usage_error("URL: must be an absolute http:// or https:// URL, got '" + o.url + "'");

  cdp::become_child_subreaper();
  cdp::launch_options lo;
  lo.executable = o.chromium;
  lo.headed = o.headed;
  cdp::browser_process proc(lo);

  asio::io_context io(1);
  // Ctrl-C / SIGTERM: kill the browser group; the visit then fails with connection_closed and
  // everything unwinds (process reaped, profile removed).
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool interrupted = false;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    interrupted = true;
    spdlog::warn("visit interrupted signal={}", sig);
    cdp::kill_all_browsers_from_signal();
  });
  std::exception_ptr failure;
  asio::co_spawn(
      io,
      [](visit_options o, cdp::devtools_endpoint ep,
         engine::url_parts origin) -> asio::awaitable<void> {
        auto b = co_await cdp::browser::connect(ep);
        co_await visit(o, b, origin);
        co_await b->close();
      }(o, proc.endpoint(), *origin),
      [&](std::exception_ptr e) {
        failure = e;
        signals.cancel();
      });
  io.run();
  if (interrupted) throw std::runtime_error("interrupted by signal");
  if (failure) std::rethrow_exception(failure);
  return ok;
}

}  // namespace footfall::cli
