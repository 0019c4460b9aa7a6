#include "engine/journey/session_runner.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "cdp/input.hpp"
#include "engine/journey/session_actions.hpp"
#include "engine/journey/visitor.hpp"
#include "engine/observe/saturation.hpp"
#include "engine/page/base64.hpp"
#include "engine/persona/identity.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using storage::action_type;
using storage::session_status;
using sys_clock = std::chrono::system_clock;
using json = nlohmann::json;

namespace {

int whole_ms_since(steady::time_point t0) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0).count());
}

/// Best effort: a JPEG of the page as it was when the session failed.
asio::awaitable<std::optional<std::string>> screenshot(cdp::page page, std::filesystem::path dir,
                                                       std::string name,
                                                       std::chrono::milliseconds timeout) {
  if (dir.empty() || !page.state() || page.closed()) co_return std::nullopt;
  try {
    // g++ 12 miscompiles braced JSON initializers inside co_await expressions: build it first.
    json params{{"format", "jpeg"}, {"quality", 60}};
    auto shot = co_await page.session().send("Page.captureScreenshot", std::move(params), timeout);
    std::filesystem::create_directories(dir);
    const auto path = dir / (name + ".jpg");
    std::ofstream(path, std::ios::binary) << base64_decode(shot.value("data", ""));
    co_return path.string();
  } catch (const std::exception& e) {
    spdlog::debug("screenshot failed: {}", e.what());
    co_return std::nullopt;
  }
}

}  // namespace

asio::awaitable<void> rate_limiter::wait() {
  const auto now = steady::now();
  const auto slot = std::max(now, next_);
  next_ = slot + gap_;
  if (slot > now) {
    asio::steady_timer t(co_await asio::this_coro::executor, slot - now);
    co_await t.async_wait(asio::use_awaitable);
  }
}

void assign_identity(const storage::campaign& c, const campaign_settings& s,
                     storage::session_row& row) {
  // A stream of its own (index offset), so identity never shifts the journey's draws.
  rng r = rng::for_session(c.seed ^ 0x5eed1d, row.session_index);
  const auto& agents = s.user_agents.empty() ? default_user_agents() : s.user_agents;
  row.user_agent =
      c.user_agent_rotation
          ? agents[static_cast<std::size_t>(r.between(0, static_cast<int>(agents.size()) - 1))]
          : agents.front();
  const auto vp = s.viewports.empty() ? viewport{}
                                      : s.viewports[static_cast<std::size_t>(r.between(
                                            0, static_cast<int>(s.viewports.size()) - 1))];
  row.viewport_width = vp.width;
  row.viewport_height = vp.height;
}

cdp::page_options session_page_options(const storage::session_row& row,
                                       int navigation_timeout_ms) {
  cdp::page_options po;
  po.viewport_width = row.viewport_width;
  po.viewport_height = row.viewport_height;
  po.user_agent = row.user_agent;
  po.default_timeout = std::chrono::milliseconds(navigation_timeout_ms);
  apply_identity(po);  // platform, client hints and screen that go with the user agent
  return po;
}

visitor::visitor(std::shared_ptr<session_env> e, storage::session_row rw)
    : env(std::move(e)),
      row(std::move(rw)),
      r(rng::for_session(env->campaign.seed, row.session_index)),
      plan(plan_session(env->persona, r)),
      thinks(plan),
      recorder(row.id, [this](storage::page_record rec) { page_finished(std::move(rec)); }),
      popups([this](storage::page_record rec) { page_finished(std::move(rec)); }, row.id,
             parse_popup_rule(env->persona.popups)),
      tracer(env->trace, env->trace_bounds) {
  recorder.set_attempt(row.attempt);  // the writer's fencing token (storage/leases.hpp)
  deadline = started + std::chrono::seconds(session_timeout_s(env->settings, env->persona));
}

action_context visitor::actions() {
  const auto seed = env->campaign.seed * 1000003ull + static_cast<std::uint64_t>(row.session_index);
  return action_context{page,
                        agent.get(),
                        &recorder,
                        &r,
                        env->pace,
                        env->slow_mo_ms,
                        &popups,
                        std::chrono::milliseconds(env->settings.navigation_timeout_ms),
                        input_persona_for(env->settings.device_for(env->persona),
                                          env->settings.skill_for(env->persona), seed),
                        static_cast<std::uint64_t>(row.session_index) << 32,
                        deadline,
                        env->abort};
}

double visitor::think_ms(int page_no, int actions_left) {
  // Elapsed time in pace-1 ms, the plan's unit (pace 0 pauses nothing whatever this returns).
  const double elapsed = std::chrono::duration<double, std::milli>(steady::now() - started).count();
  const double at_pace_1 = env->pace > 0 ? elapsed / env->pace : 0.0;
  return thinks.next(r, at_pace_1, thinks_left(plan, env->persona, page_no, actions_left));
}

void visitor::check_limits() const {
  if (env->abort && env->abort->load()) throw session_aborted("interrupted: footfall is stopping");
  if (steady::now() > deadline)
    throw session_timeout("session exceeded its time limit of " +
                          std::to_string(session_timeout_s(env->settings, env->persona)) + " s");
}

void visitor::page_finished(storage::page_record rec) {
  rec.visit.attempt = row.attempt;  // popups' visits too: the writer fences by attempt
  // Issue 10: a load measured while footfall was saturated is flagged, not blamed on the site.
  if (env->saturation && rec.visit.load_ms)
    rec.visit.saturated = env->saturation->saturated(
        rec.visit.arrived_at - std::chrono::milliseconds(static_cast<long>(*rec.visit.load_ms)),
        rec.visit.arrived_at);
  if (env->counters) {
    ++env->counters->pages;
    env->counters->actions += static_cast<long>(rec.actions.size());
    std::lock_guard lk(env->counters->m);
    for (const auto& a : rec.actions) ++env->counters->by_type[a.type];
    if (rec.visit.left_at)
      env->counters->dwell_ms.push_back(
          std::chrono::duration<double, std::milli>(*rec.visit.left_at - rec.visit.arrived_at)
              .count());
  }
  if (env->on_session_end) finished.push_back(rec);
  const int actions = static_cast<int>(rec.actions.size());
  env->sink->page(std::move(rec));
  ++pages_written;
  actions_written += actions;
}

std::chrono::milliseconds visitor::remaining() const {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()));
}

std::chrono::milliseconds visitor::bounded(std::chrono::milliseconds budget) const {
  return std::max(std::chrono::milliseconds(1), std::min(budget, remaining()));
}

void visitor::cancel_at_deadline() {
  deadline_hit = true;
  if (page.state() && !page.closed())
    page.session().conn()->cancel_session(
        page.session().id(), "session exceeded its time limit of " +
                                 std::to_string(session_timeout_s(env->settings, env->persona)) +
                                 " s");
}

asio::awaitable<void> visitor::arrive(double load_ms, const char* kind) {
  const auto a = co_await agent->arrive();
  recorder.arrive(a, load_ms, kind);
  visit_nav_seq = nav_seq;
}

asio::awaitable<void> visitor::take_page(cdp::page p, std::unique_ptr<request_feed> requests) {
  page = std::move(p);
  crashed = false;
  crash_sub = page.session().subscribe("Inspector.targetCrashed",
                                       [this](const json&) { crashed = true; });
  nav_sub = page.session().subscribe("Page.frameNavigated", [this](const json& e) {
    if (!e.contains("frame") || !e["frame"].contains("parentId")) ++nav_seq;
  });
  tracer.attach(page);
  co_await page.session().send("Inspector.enable");
  agent = co_await page_agent::install(page, env->settings.page_health, std::move(requests));
  if (agent->page_health_on()) recorder.set_request_source([a = agent] { return a->take_requests(); });
}

asio::awaitable<void> visitor::follow_popup() {
  const auto t = popups.take_follow();
  if (!t) co_return;
  const auto budget = bounded(std::chrono::milliseconds(env->settings.navigation_timeout_ms));
  const auto t0 = steady::now();
  cdp::page popup;
  try {
    popup = co_await page.wait_popup(*t, budget);
  } catch (const cdp::timeout_error&) {
    spdlog::info("session {}: popup {} never started; the journey stays", row.id.str(), t->value);
    co_return;
  }
  const auto last = co_await agent->stats();
  recorder.leave(&last);
  try {
    co_await popup.first_load().wait(bounded(budget));
  } catch (const cdp::timeout_error&) {
    // A popup that never finishes loading is still the page the visitor is on.
    spdlog::info("session {}: popup did not finish loading; visiting it as it is", row.id.str());
  }
  const auto opener = page;
  // What the popup requested before the journey moved there (its first document) is in its log
  // in the opener's agent, still recording: the popup's own agent takes it over, so a request
  // still open at the hand-over finishes in the popup's visit, and none is missed in between.
  co_await take_page(popup, agent->popup_requests_of(popup.target()).release());
  // The visitor works in the new tab now: it is the one in front (the opener was kept in front
  // for as long as it was the page being worked in: cdp/targets.cpp), and the opener goes.
  co_await page.session().send("Page.bringToFront");
  try {
    co_await cdp::close_target(opener.session().conn(), opener.target());
  } catch (const cdp::error& e) {
    spdlog::debug("closing the opener: {}", e.what());
  }
  co_await arrive(whole_ms_since(t0), "new_target");
}

asio::awaitable<void> visitor::trace_frame() {
  // Nothing secret stored: a frame would show what was typed into a card-number field.
  if (recorder.secret_typed()) co_return;
  co_await tracer.after_action(page, recorder.visit().visit_order, recorder.visit_actions());
}

asio::awaitable<void> visitor::ensure_robots() {
  if (!env->campaign.respect_robots_txt || env->robots_loaded) co_return;
  const auto here = parse_url(recorder.visit().url);
  if (!here) co_return;
  // Fetched by the browser but outside the page, so the site's Resource Timing never shows it.
  const auto text = co_await agent->fetch_outside_page(here->origin() + "/robots.txt");
  if (env->robots_loaded) co_return;  // another session got there first
  env->robots = robots_rules::parse(text);
  env->robots_loaded = true;
}

asio::awaitable<bool> visitor::navigate_by_link() {
  const auto here = parse_url(recorder.visit().url);
  if (!here) co_return false;
  co_await ensure_robots();
  const auto& links = recorder.links();
  std::vector<int> allowed;
  for (int i = 0; i < static_cast<int>(links.size()); ++i)
    if (judge_link(links[static_cast<std::size_t>(i)], *here,
                   env->robots ? &*env->robots : nullptr) == link_verdict::ok)
      allowed.push_back(i);
  if (allowed.empty()) co_return false;
  // Start at a random allowed link; the page tries them in this order until one is actionable.
  std::rotate(allowed.begin(), allowed.begin() + r.between(0, static_cast<int>(allowed.size()) - 1),
              allowed.end());
  co_await env->limiter->wait();
  const bool followed = co_await follow_link(
      actions(), allowed, std::chrono::milliseconds(env->settings.navigation_timeout_ms));
  if (followed) visit_nav_seq = nav_seq;
  co_return followed;
}

asio::awaitable<void> visitor::follow_unexpected_navigation() {
  // The old document is gone, and with it its facts; record what we know.
  recorder.leave(nullptr);
  const auto t0 = steady::now();
  try {
    co_await agent->loaded();
  } catch (const cdp::timeout_error&) {
    // A document that never finishes loading is still the page the visitor is on.
    spdlog::info("session {}: page did not finish loading; visiting it as it is", row.id.str());
  }
  co_await arrive(whole_ms_since(t0));
}

namespace {

asio::awaitable<void> run_journey(visitor& v) {
  auto& env = *v.env;
  co_await env.limiter->wait();
  const auto nav_t0 = steady::now();
  co_await v.page.navigate(v.row.start_url,
                           std::chrono::milliseconds(env.settings.navigation_timeout_ms));
  co_await v.arrive(whole_ms_since(nav_t0));
  co_await v.trace_frame();
  for (int page_no = 1;; ++page_no) {
    const int n = actions_on_page(env.persona, v.r);
    for (int i = 0; i < n; ++i) {
      v.check_limits();
      co_await pause(v.actions(), v.think_ms(page_no, n - i));
      if (env.counters) ++env.counters->steps;
      const auto type = next_action(env.persona, v.r);
      co_await perform(v.actions(), type);
      co_await v.follow_popup();
      ++v.actions_done;
      if (env.faults.crash_session_index == v.row.session_index &&
          v.actions_done == env.faults.crash_after_actions) {
        spdlog::info("fault injection: crashing the renderer of session {}", v.row.id.str());
        co_await v.page.session().send("Page.crash", json::object(), std::chrono::seconds(5));
      }
      if (v.nav_seq != v.visit_nav_seq) co_await v.follow_unexpected_navigation();
      co_await v.trace_frame();
    }
    const bool out_of_time =
        env.pace > 0 &&
        std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - v.started).count() >
            paced(v.plan.duration_ms, env.pace);
    // The planned duration ends the session early, but never below the persona's pages_min.
    if (page_no >= v.plan.pages || (out_of_time && page_no >= env.persona.pages_min)) break;
    v.check_limits();
    co_await pause(v.actions(), v.think_ms(page_no, 0));
    if (env.counters) ++env.counters->steps;
    if (!co_await v.navigate_by_link()) break;  // a dead end: the visitor leaves the site
    co_await v.follow_popup();
    co_await v.trace_frame();
  }
  const auto last = co_await v.agent->stats();
  v.recorder.leave(&last);
  spdlog::debug(
      "session {}: planned {} ms and {} pages, ran {} ms and {} visits, {} actions, {} thinks of "
      "{:.0f} ms in all",
      v.row.id.str(), v.plan.duration_ms, v.plan.pages, whole_ms_since(v.started),
      v.recorder.visit().visit_order, v.actions_done, v.thinks.given(), v.thinks.given_ms());
}

}  // namespace

asio::awaitable<session_outcome> run_session(std::shared_ptr<session_env> env,
                                             storage::session_row row) {
  visitor v(env, row);
  session_outcome out;
  browser_lease lease;
  cdp::browser_context_id context;
  bool browser_failed = false;
  if (env->counters) ++env->counters->running;
  // The watchdog: at the deadline the session's page stops answering (cancel_session), so an
  // action the page keeps busy (an endless scroll, a handler that blocks, a navigation that
  // never ends) ends within moments of the limit, whatever it is. The handler runs on this
  // thread; once the timer is destroyed it gets operation_aborted and touches nothing.
  const auto ex = co_await asio::this_coro::executor;
  asio::steady_timer watchdog(ex, v.deadline);
  watchdog.async_wait([&v](boost::system::error_code ec) {
    if (!ec) v.cancel_at_deadline();
  });
  try {
    lease = co_await env->pool->acquire();
    context = co_await lease.browser->create_context();
    auto first = co_await lease.browser->new_page(
        context, session_page_options(row, env->settings.navigation_timeout_ms));
    co_await v.take_page(std::move(first));
    co_await run_journey(v);
    out.status = session_status::completed;
  } catch (const session_timeout& e) {
    out.status = session_status::timeout;
    out.error = e.what();
  } catch (const std::exception& e) {
    out.status = session_status::failed;
    out.error = e.what();
    if (v.crashed || (v.page.state() && v.page.closed()))
      out.error = std::string("renderer crashed or target closed: ") + e.what();
    if (dynamic_cast<const cdp::connection_closed*>(&e) ||
        dynamic_cast<const cdp::launch_error*>(&e)) {
      browser_failed = lease.browser != nullptr;
      out.error = std::string("browser died: ") + e.what();
    }
  }
  if (out.status == session_status::failed && v.deadline_hit) {
    // Whatever failed, it failed because the time limit cut it off (cancel_at_deadline).
    out.status = session_status::timeout;
    out.error = "session exceeded its time limit of " +
                std::to_string(session_timeout_s(env->settings, env->persona)) +
                " s (during: " + out.error + ")";
  }
  // The drain budget after SIGTERM is spent: the session is left running for its lease to lapse
  // and another worker to run it again from the start; nothing more is written for it.
  const bool left_for_reclaim = env->abort && env->abort->load();
  if (left_for_reclaim)
    spdlog::warn("session {} index={}: left unfinished for its lease to be reclaimed",
                 row.id.str(), row.session_index);
  if (out.status != session_status::completed && !left_for_reclaim) {
    // The evidence of a session its time limit cut off: the watchdog cancelled its page's calls,
    // so they are let through again, each bounded to 700 ms (a page that kept every action busy
    // may not answer, and the session must still end close to its limit).
    auto evidence_timeout = std::chrono::milliseconds(5000);
    if (v.deadline_hit && v.page.state() && !v.page.closed()) {
      v.page.session().conn()->resume_session(v.page.session().id());
      evidence_timeout = std::chrono::milliseconds(700);
    }
    if (!v.recorder.secret_typed())
      co_await v.tracer.at_failure(v.page, v.recorder.visit().visit_order,
                                   v.recorder.visit_actions(), evidence_timeout);
    if (auto shot =
            co_await screenshot(v.page, env->screenshot_dir, row.id.str(), evidence_timeout))
      row.screenshot_path = *shot;
    // Whatever the visitor did on the page it was on is kept.
    try {
      v.recorder.leave(nullptr);
    } catch (const std::exception& e) {
      spdlog::error("session {}: could not record its last page: {}", row.id.str(), e.what());
    }
    spdlog::warn("session {} index={} {}: {}", row.id.str(), row.session_index,
                 storage::to_string(out.status), strip_credentials(out.error));
  }
  if (env->before_close && v.page.state() && !v.page.closed()) {
    try {
      co_await env->before_close(v.page, row);
    } catch (const std::exception& e) {
      spdlog::warn("before_close hook: {}", e.what());
    }
  }
  // Popups still being recorded finish before their context goes (bounded: a popup that hangs
  // is recorded with what is known when its budget ends).
  const auto popup_budget =
      v.bounded(std::chrono::milliseconds(env->settings.navigation_timeout_ms + 5000)) +
      std::chrono::milliseconds(1000);
  co_await v.popups.drain(left_for_reclaim ? std::chrono::milliseconds(0) : popup_budget);
  v.crash_sub.reset();
  v.nav_sub.reset();
  if (lease.browser && !context.empty() && lease.browser->conn()->is_open()) {
    try {
      co_await lease.browser->dispose_context(context);
    } catch (const std::exception& e) {
      spdlog::debug("dispose_context: {}", e.what());
    }
  }
  if (lease.browser) env->pool->release(lease, browser_failed);
  // Counts are what was handed to the writer (popups' visits and actions included).
  out.pages = v.pages_written;
  out.actions = v.actions_written;
  row.status = out.status;
  row.pages_visited = v.pages_written;
  row.total_actions = v.actions_written;
  row.session_duration_ms = whole_ms_since(v.started);
  row.completed_at = sys_clock::now();
  if (!row.started_at)
    row.started_at = sys_clock::now() - std::chrono::milliseconds(*row.session_duration_ms);
  if (!out.error.empty()) row.error_message = strip_credentials(out.error).substr(0, 2000);
  row.start_url = strip_credentials(row.start_url);
  if (!left_for_reclaim) {
    env->sink->session(row);
    if (auto trace = v.tracer.finish(row); trace && env->on_trace)
      env->on_trace(std::move(*trace));
    if (env->on_session_end)
      env->on_session_end(row, std::move(v.finished),
                          {v.recorder.webdriver(), row.user_agent, v.recorder.embedder_tells()});
  }
  if (env->counters) {
    --env->counters->running;
    std::lock_guard lk(env->counters->m);
    ++env->counters->by_status[out.status];
  }
  co_return out;
}

}  // namespace footfall::engine
