#include "engine/session_runner.hpp"

#include <algorithm>
#include <fstream>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "cdp/input.hpp"
#include "engine/human_actions.hpp"
#include "engine/human_input.hpp"
#include "engine/page_script.hpp"
#include "engine/visitor.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using storage::action_type;
using storage::session_status;
using sys_clock = std::chrono::system_clock;

namespace {

int ms_since(steady::time_point t0) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0).count());
}

std::optional<double> opt_number(const json& j, const char* key) {
  if (j.contains(key) && j[key].is_number()) return j[key].get<double>();
  return std::nullopt;
}

std::string base64_decode(const std::string& in) {
  static const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(in.size() * 3 / 4);
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    const auto pos = chars.find(static_cast<char>(c));
    if (pos == std::string::npos) break;  // '=' padding ends the data
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

/// Best effort: a JPEG of the page as it was when the session failed.
asio::awaitable<std::optional<std::string>> screenshot(cdp::page page, std::filesystem::path dir,
                                                       std::string name) {
  if (dir.empty() || !page.state() || page.closed()) co_return std::nullopt;
  try {
    // g++ 12 miscompiles braced JSON initializers inside co_await expressions: build it first.
    json params{{"format", "jpeg"}, {"quality", 60}};
    auto shot = co_await page.session().send("Page.captureScreenshot", std::move(params),
                                             std::chrono::seconds(5));
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

visitor::visitor(std::shared_ptr<session_env> e, storage::session_row rw)
    : env(std::move(e)),
      row(std::move(rw)),
      r(rng::for_session(env->campaign.seed, row.session_index)) {
  plan = plan_session(env->persona, r);
  deadline = started + std::chrono::seconds(session_timeout_s(env->settings, env->persona));
}

void visitor::check_limits() const {
  if (env->abort && env->abort->load()) throw session_aborted("interrupted: footfall is stopping");
  if (steady::now() > deadline)
    throw session_timeout("session exceeded its time limit of " +
                          std::to_string(session_timeout_s(env->settings, env->persona)) + " s");
}

asio::awaitable<void> visitor::pause(double human_ms) {
  double ms = paced(human_ms, env->pace) + env->slow_mo_ms;
  // A resting hand on the mouse is never dead still: small drifts while the visitor thinks
  // (human_input.hpp idle_jitter). Not before the pointer has entered the page.
  const auto at = page.mouse().position;
  if (env->pace > 0 && human_ms > 300 && (at.x > 0 || at.y > 0)) {
    // Its own seeded stream: the journey's RNG is drawn the same way at every pace.
    rng jr(static_cast<std::uint64_t>(human_ms * 1000) ^
           (static_cast<std::uint64_t>(row.session_index) << 32));
    auto drift = idle_jitter({at.x, at.y}, human_ms, env->pace, jr);
    if (!drift.empty()) {
      ms -= drift.back().at_ms;
      co_await play_path(page, std::move(drift));
      co_await cdp::mouse_move(page, at, 1);  // back where it rests (the planned position)
    }
  }
  if (ms >= 1) co_await cdp::sleep_for(std::chrono::milliseconds(static_cast<long>(ms)));
}

asio::awaitable<json> visitor::call(const std::string& c) {
  if (!scroll_pending) co_return co_await page.evaluate(page_call(c));
  scroll_pending = false;
  co_return co_await page.evaluate(page_call("settle().then(() => " + page_call(c) + ")"));
}

storage::action_row& visitor::record(action_type t, const json* target, sys_clock::time_point at,
                                     steady::time_point t0) {
  storage::action_row a;
  a.id = storage::uuid::v7();
  a.page_visit_id = visit.id;
  a.page_arrived_at = visit.arrived_at;
  a.type = t;
  a.timestamp = at;
  a.action_order = static_cast<int>(actions.size()) + 1;
  a.duration_ms = std::max(0, ms_since(t0));
  if (target && target->is_object()) {
    if (target->contains("selector")) a.element_selector = (*target)["selector"].get<std::string>();
    if (target->contains("text")) a.element_text = (*target)["text"].get<std::string>();
    if ((*target).contains("x") && (*target)["x"].is_number()) a.x = (*target)["x"].get<int>();
    if ((*target).contains("y") && (*target)["y"].is_number()) a.y = (*target)["y"].get<int>();
  }
  actions.push_back(std::move(a));
  return actions.back();
}

asio::awaitable<void> visitor::arrive(double load_ms) {
  const auto t0 = steady::now();
  const json j = co_await call("arrive()");
  visit = {};
  actions.clear();
  visit.id = storage::uuid::v7();
  visit.session_id = row.id;
  visit.url = j.value("url", std::string{}).substr(0, 500);
  visit.title = j.value("title", std::string{});
  visit.visit_order = ++pages;
  visit.arrived_at = sys_clock::now();
  visit.ttfb_ms = opt_number(j, "ttfb");
  visit.dom_content_loaded_ms = opt_number(j, "dcl");
  visit.load_ms = opt_number(j, "load");
  visit_nav_seq = nav_seq;
  in_visit = true;
  if (j.contains("webdriver") && j["webdriver"].is_boolean())
    webdriver = j["webdriver"].get<bool>();
  links.clear();
  for (const auto& l : j.value("links", json::array()))
    links.push_back({l[0].get<std::string>(), l[1].get<bool>()});
  auto& a = record(action_type::page_load, nullptr, visit.arrived_at, t0);
  a.duration_ms = static_cast<int>(visit.load_ms.value_or(load_ms));
  a.element_text = visit.title.substr(0, 100);
  if (env->counters) ++env->counters->pages;
}

void visitor::leave(const json& stats) {
  if (!in_visit) return;
  in_visit = false;
  const auto now = sys_clock::now();
  const auto t0 = steady::now();
  if (stats.is_object()) {
    visit.scroll_depth_percent = std::clamp(stats.value("depth", 0), 0, 100);
    visit.console_errors = std::max(0, stats.value("errors", 0));
    visit.failed_requests = std::max(0, stats.value("failed", 0));
    if (!visit.load_ms) visit.load_ms = opt_number(stats, "load");
    if (!visit.dom_content_loaded_ms) visit.dom_content_loaded_ms = opt_number(stats, "dcl");
    if (const auto t = stats.value("title", std::string{}); !t.empty()) visit.title = t;
  }
  record(action_type::page_unload, nullptr, now, t0);
  visit.left_at = now;
  visit.actions_count = static_cast<int>(actions.size());
  total_actions += visit.actions_count;
  if (env->counters) {
    env->counters->actions += static_cast<long>(actions.size());
    std::lock_guard lk(env->counters->m);
    for (const auto& a : actions) ++env->counters->by_type[a.type];
    env->counters->dwell_ms.push_back(
        std::chrono::duration<double, std::milli>(now - visit.arrived_at).count());
  }
  storage::page_record rec{visit, std::move(actions)};
  actions.clear();
  if (env->on_session_end) finished.push_back(rec);
  env->writer->write(std::move(rec));
}

asio::awaitable<void> visitor::ensure_robots() {
  if (!env->campaign.respect_robots_txt || env->robots_loaded) co_return;
  const json text = co_await page.evaluate(
      "fetch(location.origin + '/robots.txt', {cache: 'no-store'})"
      ".then(r => r.ok ? r.text() : '').catch(() => '')");
  if (env->robots_loaded) co_return;  // another session got there first
  env->robots = robots_rules::parse(text.is_string() ? text.get<std::string>() : "");
  env->robots_loaded = true;
}

asio::awaitable<bool> visitor::navigate_by_link() {
  const auto here = parse_url(visit.url);
  if (!here) co_return false;
  co_await ensure_robots();
  std::vector<int> allowed;
  for (int i = 0; i < static_cast<int>(links.size()); ++i)
    if (judge_link(links[i], *here, env->robots ? &*env->robots : nullptr) == link_verdict::ok)
      allowed.push_back(i);
  if (allowed.empty()) co_return false;
  // Start at a random allowed link; the page tries them in this order until one is actionable.
  std::rotate(allowed.begin(), allowed.begin() + r.between(0, static_cast<int>(allowed.size()) - 1),
              allowed.end());
  for (int attempt = 0; attempt < 3; ++attempt) {
    check_limits();
    const auto aim = click_fraction(r);  // where in the link (human_input.hpp)
    const auto at = sys_clock::now();
    const auto t0 = steady::now();
    // Links out of view are brought in with wheel input (human_actions.hpp), never a jump.
    const json dep = co_await call_in_view(*this, "depart(" + json(allowed).dump() + "," +
                                                      std::to_string(aim.x) + "," +
                                                      std::to_string(aim.y) + ")");
    const json target = dep.value("target", json());
    if (!target.is_object() || target.contains("none")) co_return false;
    note_scroll_into_view(target, at, t0);
    const double x = target["x"].get<double>(), y = target["y"].get<double>();
    if (target.value("dismiss", false)) {
      // An overlay covered the links: close it with its own button, then try again.
      co_await click_at(x, y, target.value("w", 20));
      record(action_type::click, &target, at, t0);
      continue;
    }
    co_await env->limiter->wait();
    auto load = page.expect_load();
    const auto nav_t0 = steady::now();
    co_await click_at(x, y, target.value("w", 20));
    record(action_type::click, &target, at, t0);
    leave(dep);
    try {
      co_await load.wait(std::chrono::milliseconds(env->settings.navigation_timeout_ms));
    } catch (const cdp::timeout_error& e) {
      throw cdp::timeout_error(
          "navigation by clicking " + target.value("selector", std::string("?")) + " at (" +
              std::to_string(target.value("x", 0)) + "," + std::to_string(target.value("y", 0)) +
              ") on " + visit.url + " (page load event)",
          env->settings.navigation_timeout_ms);
    }
    co_await arrive(ms_since(nav_t0));
    co_return true;
  }
  co_return false;
}

asio::awaitable<void> visitor::follow_unexpected_navigation() {
  // The old document is gone, so its counters are too; record what we know.
  leave(json::object());
  const auto t0 = steady::now();
  co_await page.evaluate(
      "document.readyState === 'complete' || new Promise(r => addEventListener('load', r))",
      std::chrono::milliseconds(env->settings.navigation_timeout_ms));
  co_await arrive(ms_since(t0));
}

namespace {

asio::awaitable<void> run_journey(visitor& v) {
  auto& env = *v.env;
  co_await env.limiter->wait();
  const auto nav_t0 = steady::now();
  co_await v.page.navigate(v.row.start_url,
                           std::chrono::milliseconds(env.settings.navigation_timeout_ms));
  co_await v.arrive(ms_since(nav_t0));
  for (int page_no = 1;; ++page_no) {
    const int n = actions_on_page(env.persona, v.r);
    for (int i = 0; i < n; ++i) {
      v.check_limits();
      co_await v.pause(think_time_ms(v.plan, env.persona, v.r));
      const auto type = next_action(env.persona, v.r);
      co_await v.perform(type);
      ++v.actions_done;
      if (env.faults.crash_session_index == v.row.session_index &&
          v.actions_done == env.faults.crash_after_actions) {
        spdlog::info("fault injection: crashing the renderer of session {}", v.row.id.str());
        co_await v.page.session().send("Page.crash", json::object(), std::chrono::seconds(5));
      }
      if (v.nav_seq != v.visit_nav_seq) co_await v.follow_unexpected_navigation();
    }
    const bool out_of_time =
        env.pace > 0 &&
        std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - v.started).count() >
            paced(v.plan.duration_ms, env.pace);
    // The planned duration ends the session early, but never below the persona's pages_min.
    if (page_no >= v.plan.pages || (out_of_time && page_no >= env.persona.pages_min)) break;
    v.check_limits();
    co_await v.pause(think_time_ms(v.plan, env.persona, v.r));
    if (!co_await v.navigate_by_link()) break;  // a dead end: the visitor leaves the site
  }
  json stats = json::object();
  stats = co_await v.call("stats()");
  v.leave(stats);
}

}  // namespace

asio::awaitable<session_outcome> run_session(std::shared_ptr<session_env> env,
                                             storage::session_row row) {
  visitor v(env, row);
  session_outcome out;
  browser_lease lease;
  cdp::browser_context_id context;
  bool browser_failed = false;
  bool crashed = false;
  cdp::subscription crash_sub, nav_sub;
  if (env->counters) ++env->counters->running;
  try {
    lease = co_await env->pool->acquire();
    context = co_await lease.browser->create_context();
    cdp::page_options po;
    po.viewport_width = row.viewport_width;
    po.viewport_height = row.viewport_height;
    po.user_agent = row.user_agent;
    po.default_timeout = std::chrono::milliseconds(env->settings.navigation_timeout_ms);
    v.page = co_await lease.browser->new_page(context, po);
    crash_sub = v.page.session().subscribe("Inspector.targetCrashed",
                                           [&crashed](const json&) { crashed = true; });
    nav_sub = v.page.session().subscribe("Page.frameNavigated", [&v](const json& p) {
      if (!p.contains("frame") || !p["frame"].contains("parentId")) ++v.nav_seq;
    });
    co_await v.page.session().send("Inspector.enable");
    json script{{"source", std::string(page_script())}};
    co_await v.page.session().send("Page.addScriptToEvaluateOnNewDocument", std::move(script));
    co_await run_journey(v);
    out.status = session_status::completed;
  } catch (const session_timeout& e) {
    out.status = session_status::timeout;
    out.error = e.what();
  } catch (const std::exception& e) {
    out.status = session_status::failed;
    out.error = e.what();
    if (crashed || (v.page.state() && v.page.closed()))
      out.error = std::string("renderer crashed or target closed: ") + e.what();
    if (dynamic_cast<const cdp::connection_closed*>(&e) ||
        dynamic_cast<const cdp::launch_error*>(&e)) {
      browser_failed = lease.browser != nullptr;
      out.error = std::string("browser died: ") + e.what();
    }
  }
  if (out.status != session_status::completed) {
    if (auto shot = co_await screenshot(v.page, env->screenshot_dir, row.id.str()))
      row.screenshot_path = *shot;
    // Whatever the visitor did on the page it was on is kept.
    try {
      v.leave(json::object());
    } catch (const std::exception& e) {
      spdlog::error("session {}: could not record its last page: {}", row.id.str(), e.what());
    }
    spdlog::warn("session {} index={} {}: {}", row.id.str(), row.session_index,
                 storage::to_string(out.status), out.error);
  }
  if (env->before_close && v.page.state() && !v.page.closed()) {
    try {
      co_await env->before_close(v.page, row);
    } catch (const std::exception& e) {
      spdlog::warn("before_close hook: {}", e.what());
    }
  }
  crash_sub.reset();
  nav_sub.reset();
  if (lease.browser && !context.empty() && lease.browser->conn()->is_open()) {
    try {
      co_await lease.browser->dispose_context(context);
    } catch (const std::exception& e) {
      spdlog::debug("dispose_context: {}", e.what());
    }
  }
  if (lease.browser) env->pool->release(lease, browser_failed);
  out.pages = v.pages;
  out.actions = v.total_actions;
  row.status = out.status;
  row.pages_visited = v.pages;
  row.total_actions = v.total_actions;
  row.session_duration_ms = ms_since(v.started);
  row.completed_at = sys_clock::now();
  if (!row.started_at)
    row.started_at = sys_clock::now() - std::chrono::milliseconds(*row.session_duration_ms);
  if (!out.error.empty()) row.error_message = out.error.substr(0, 2000);
  env->writer->write(row);
  if (env->on_session_end)
    env->on_session_end(row, std::move(v.finished), {v.webdriver, row.user_agent});
  if (env->counters) {
    --env->counters->running;
    std::lock_guard lk(env->counters->m);
    ++env->counters->by_status[out.status];
  }
  co_return out;
}

}  // namespace footfall::engine
