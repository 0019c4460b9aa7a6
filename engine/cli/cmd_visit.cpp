// footfall visit URL: one visitor — a session of the campaign file's persona, or of the built-in
// visit persona — run by the same journey code as `footfall run` (engine/journey/
// single_session.hpp), starting at URL; each action printed as a run would store it.
#include <cstdio>
#include <iostream>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "cdp/launcher.hpp"
#include "engine/cli/interrupt_guard.hpp"
#include "engine/cli/browser_flags.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/flag_rules.hpp"
#include "engine/config/config.hpp"
#include "engine/journey/single_session.hpp"
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
  double pace = -1;  ///< unset: the campaign's pace, else 1 (human timing)
  std::string campaign;  ///< a campaign file: its persona, and the identity of session --seed
  std::optional<engine::campaign_file> file;  ///< `campaign`, read once by parse_visit_flags()
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

/// The terminal as the session's sink: each action as the visit recorder records it (the rows
/// a run stores), page by page as the visitor leaves each.
class print_sink final : public engine::session_sink {
 public:
  explicit print_sink(bool as_json) : json_(as_json) {}
  void page(storage::page_record rec) override {
    if (!json_)
      std::printf("-- page %d%s: %s\n", rec.visit.visit_order,
                  rec.visit.navigation_kind == "new_target" ? " (popup)" : "",
                  rec.visit.url.c_str());
    for (const auto& a : rec.actions) print(a, json_);
  }
  void session(const storage::session_row&) override {}

 private:
  bool json_;
};

/// The options, or nullopt when --help was printed.
std::optional<visit_options> parse_visit_flags(const args& a) {
  visit_options o;
  po::options_description desc("flags");
  desc.add_options()("url", po::value(&o.url)->required(), "page to visit (http or https)")(
      "headed", po::bool_switch(&o.headed), "show the browser window (needs DISPLAY)")(
      "seed", ranged(&o.seed, "seed", std::uint64_t{0}, std::uint64_t{1} << 63),
      "the session's index: seeds its journey (and its identity with --campaign); default 1")(
      "json", po::bool_switch(&o.json_lines), "print each action as a JSON line")(
      "timeout-ms", ranged(&o.timeout_ms, "timeout-ms", 1L, 3'600'000L),
      "navigation and command timeout (default 30000)")(
      "pace", ranged(&o.pace, "pace", 0.0, 100.0)->value_name("X"),
      "timing scale: 1 human (default: the campaign's, else 1), 0 as fast as the browser allows")(
      "campaign", po::value(&o.campaign),
      "campaign file: run its persona with the identity its session --seed gets (its user "
      "agents, rotated when user_agent_rotation is on, viewport, platform, client hints, "
      "screen), its settings and its browser");
  add_browser_flags(desc, o.browser);
  if (!parse_flags(a, desc, {"url"},
                   "usage: footfall visit URL [--headed] [--seed N] [--json] [--pace X] "
                   "[--browser NAME] [--chromium PATH] [--timeout-ms N] [--campaign FILE]\n"
                   "Runs one session from URL with a real Chromium and the same journey code as "
                   "`footfall run`: the campaign file's persona and the identity its session "
                   "--seed gets, or a built-in persona (two pages, a few actions each) with "
                   "Chromium's own identity. Stores nothing; prints each action as a run would "
                   "store it, page by page. Exit 3 when the session does not complete."))
    return std::nullopt;
  // The browser first: --headed with the headless shell is wrong whatever the display.
  std::optional<cdp::browser_kind> configured;  // a campaign file's "browser"
  if (!o.campaign.empty()) {
    o.file = as_usage_errors([&] { return engine::load_campaign_file(o.campaign); });
    configured = cdp::parse_browser_kind(o.file->settings.browser);
  }
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
  if (!engine::parse_url(o.url))
    throw usage_error("URL: must be an absolute http:// or https:// URL, got '" + o.url + "'");
  // A named persona's bad file: exit 2 before any browser.
  auto session = as_usage_errors([&] {
    return engine::visit_session({o.url, o.seed, o.timeout_ms, o.pace, o.launch, o.campaign,
                                  o.file ? &*o.file : nullptr});
  });

  cdp::become_child_subreaper();
  asio::io_context io(1);
  asio::thread_pool blocking(1);  // the browser's launch and reaping
  interrupt_guard signals(io, "visit");
  print_sink sink(o.json_lines);
  std::exception_ptr failure;
  engine::session_outcome out;
  asio::co_spawn(io, engine::run_single_session(std::move(session), sink, blocking.get_executor()),
                 [&](std::exception_ptr e, engine::session_outcome r) {
                   failure = e;
                   out = std::move(r);
                   signals.cancel();
                 });
  io.run();
  blocking.join();
  signals.rethrow_if_interrupted();
  if (failure) std::rethrow_exception(failure);
  if (!o.json_lines)
    std::printf("session %s: %d pages, %d actions\n", storage::to_string(out.status).data(),
                out.pages, out.actions);
  if (out.status != storage::session_status::completed)
    throw std::runtime_error("visit " + std::string(storage::to_string(out.status)) + ": " +
                             engine::strip_credentials(out.error));
  return ok;
}

}  // namespace footfall::cli
