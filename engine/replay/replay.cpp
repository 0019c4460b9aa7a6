// footfall replay's loop: one context with the session's identity, the steps in recorded order
// with the recorded gaps, a check after each, a PNG at the first divergence.
#include "engine/replay/replay.hpp"

#include <spdlog/spdlog.h>

#include <fstream>

#include "cdp/errors.hpp"
#include "cdp/input.hpp"
#include "engine/journey/session_runner.hpp"
#include "engine/page/base64.hpp"
#include "engine/persona/links.hpp"
#include "engine/replay/replay_internal.hpp"
#include "engine/replay/replay_overlay.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using detail::replayer;
using std::chrono::milliseconds;

action_context replayer::context() {
  action_context c;
  c.page = page;
  c.agent = agent.get();
  c.recorder = &recorder;
  c.r = &r;
  // Human paths and holds at a person's pace scaled by --speed; bursts when it was recorded so.
  c.pace = bursts || o.speed <= 0 ? 0 : 1.0 / o.speed;
  c.slow_mo_ms = o.slow_mo_ms;
  c.navigation_timeout = o.navigation_timeout;
  c.jitter_seed = seed;
  return c;
}

namespace {

/// The page as it is, as a PNG next to the others of this session.
asio::awaitable<std::optional<std::string>> screenshot_png(cdp::page page,
                                                           std::filesystem::path dir,
                                                           std::string name) {
  try {
    nlohmann::json params{{"format", "png"}};
    auto shot = co_await page.session().send("Page.captureScreenshot", std::move(params),
                                             std::chrono::seconds(10));
    std::filesystem::create_directories(dir);
    const auto path = std::filesystem::absolute(dir / (name + ".png"));
    std::ofstream(path, std::ios::binary) << base64_decode(shot.value("data", ""));
    co_return path.string();
  } catch (const std::exception& e) {
    spdlog::warn("replay: screenshot failed: {}", e.what());
    co_return std::nullopt;
  }
}

/// A page that logged more console errors than the recording's did is a divergence of the step
/// after which it happened (once per visit).
asio::awaitable<void> check_console(replayer* s, const replay_step& st, step_result* res) {
  if (!res->matched || s->arrived_visit != st.visit_order ||
      s->console_reported_visit == st.visit_order)
    co_return;
  page_facts f;
  try {
    f = co_await s->agent->stats();
  } catch (const cdp::javascript_error&) {
    co_return;  // the document is changing; the next step looks again
  }
  if (f.console_errors <= st.recorded_console_errors) co_return;
  s->console_reported_visit = st.visit_order;
  detail::diverge(res, divergence_kind::console_error,
                  std::to_string(f.console_errors) + " console errors on this page, recorded " +
                      std::to_string(st.recorded_console_errors));
}

asio::awaitable<void> open_tab(replayer* s, std::shared_ptr<cdp::browser> b,
                               const storage::session_row& row, cdp::browser_context_id ctx) {
  // The run's page options (viewport, user agent, platform, client hints, screen): replay
  // depends on them matching.
  const auto po =
      session_page_options(row, static_cast<int>(s->o.navigation_timeout.count()));
  s->page = co_await b->new_page(ctx, po);
  if (s->o.cursor_overlay) co_await install_cursor_overlay(s->page);
  s->agent = co_await page_agent::install(s->page);
}

}  // namespace

asio::awaitable<replay_result> replay_session(std::shared_ptr<cdp::browser> b,
                                              storage::recording rec, replay_options o,
                                              replay_hooks hooks) {
  replay_result out;
  const auto from = parse_url(rec.session.start_url);
  const std::string from_origin = from ? from->origin() : std::string();
  const std::string to_origin = o.target_origin.empty() ? from_origin : o.target_origin;
  const auto steps = plan_replay(rec, from_origin, to_origin, &out.skipped_visits);
  out.total_steps = static_cast<int>(steps.size());
  for (const auto& st : steps) out.recorded += st.gap;

  const auto seed = std::hash<std::string>{}(rec.session.id.str());
  replayer s(o, storage::uuid::v7(), seed);
  s.bursts = recorded_in_bursts(rec);
  const auto ctx = co_await b->create_context();
  std::exception_ptr failure;
  try {
    co_await open_tab(&s, b, rec.session, ctx);
    auto last_start = std::chrono::steady_clock::now();
    std::optional<std::chrono::steady_clock::time_point> first_start;
    int overlay_visit = 0;  // the visit whose document last had the overlay placed
    for (const auto& st : steps) {
      if (st.action.type != storage::action_type::page_unload) {
        if (hooks.before_step) {
          co_await hooks.before_step(st);  // --step: the user paces the replay
        } else {
          const auto spent = std::chrono::duration_cast<milliseconds>(
              std::chrono::steady_clock::now() - last_start);
          const auto wait = replay_wait(st.gap, o.speed, spent);
          if (wait.count() > 0) co_await cdp::sleep_for(wait);
        }
      }
      last_start = std::chrono::steady_clock::now();
      if (!first_start) first_start = last_start;
      out.replayed = std::chrono::duration_cast<milliseconds>(last_start - *first_start);
      step_result res;
      res.number = st.number;
      res.visit_order = st.visit_order;
      res.action = std::string(storage::to_string(st.action.type));
      res.selector = st.action.element_selector.value_or("");
      const bool stop = co_await detail::perform_step(&s, st, &res);
      co_await check_console(&s, st, &res);
      if (o.cursor_overlay && s.arrived_visit != overlay_visit && !stop) {
        overlay_visit = s.arrived_visit;
        co_await place_cursor_overlay(s.page);
      }
      out.steps.push_back(res);
      if (!res.matched && !out.first_divergence) {
        out.first_divergence = static_cast<int>(out.steps.size()) - 1;
        out.screenshot = co_await screenshot_png(
            s.page, o.screenshot_dir,
            "replay-" + rec.session.id.str() + "-step" + std::to_string(st.number));
      }
      if (hooks.after_step) co_await hooks.after_step(s.page, res);
      if (stop) break;
    }
    if (hooks.before_close) co_await hooks.before_close(s.page);
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    co_await b->dispose_context(ctx);
  } catch (const std::exception& e) {
    spdlog::debug("replay: dispose_context: {}", e.what());
  }
  if (failure) std::rethrow_exception(failure);
  co_return out;
}

}  // namespace footfall::engine
