// The shared actions. Every row names what the page really received: targets come from the page
// agent's actionability checks and, for presses, from the check at press time.
#include "engine/journey/actions.hpp"

#include "engine/journey/click_outcome.hpp"

#include "cdp/errors.hpp"
#include "cdp/input.hpp"
#include "cdp/input_burst.hpp"
#include "engine/persona/behaviour.hpp"
#include "engine/persona/human_input.hpp"
#include "engine/persona/typing_model.hpp"

#include <cmath>

#include <spdlog/spdlog.h>

namespace footfall::engine {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using storage::action_type;

asio::awaitable<void> run_actions(action_context c, std::vector<action> steps) {
  for (auto& s : steps) co_await s(c);
}

asio::awaitable<void> pause(action_context c, double human_ms) {
  double ms = paced(human_ms, c.pace) + c.slow_mo_ms;
  // A resting hand on the mouse is never dead still: small drifts while the visitor thinks
  // (human_input.hpp idle_jitter). Not before the pointer has entered the page.
  const auto rest = c.page.mouse().position;
  if (c.pace > 0 && human_ms > 300 && (rest.x > 0 || rest.y > 0)) {
    // Its own seeded stream: the journey's RNG is drawn the same way at every pace.
    rng jr(static_cast<std::uint64_t>(human_ms * 1000) ^ c.jitter_seed);
    auto drift = idle_jitter({rest.x, rest.y}, human_ms, c.pace, jr);
    if (!drift.empty()) {
      ms -= drift.back().at_ms;
      co_await play_path(c.page, std::move(drift));
      co_await cdp::mouse_move(c.page, rest, 1);  // back where it rests (the planned position)
    }
  }
  if (ms < 1) co_return;
  using steady = std::chrono::steady_clock;
  const auto due = steady::now() + milliseconds(static_cast<long>(ms));
  // Never past the session's deadline; and when the run may abort its sessions (SIGTERM's drain
  // budget), in slices of at most a second so the abort is seen.
  const auto until = std::min(due, c.deadline);
  for (auto now = steady::now(); now < until; now = steady::now()) {
    auto slice = std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1);
    if (c.abort) {
      if (c.abort->load()) co_return;
      slice = std::min(slice, milliseconds(1000));
    }
    co_await cdp::sleep_for(slice);
  }
  if (until < due) co_return;  // cut short: no timer lateness to charge
  // Timing fidelity (issue 10): how late the timer fired, charged to the next recorded action.
  if (c.recorder)
    c.recorder->add_start_lag(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - due).count());
}

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

/// The movement to `to`: the human path played at its planned times (mouse_move_timed), or one
/// burst event when fast. Returns the path (for input_timing).
asio::awaitable<std::vector<mouse_step>> move_path(action_context c, cdp::point to, double width) {
  const auto& m = c.page.mouse().position;
  if (c.fast()) {
    co_await cdp::burst_move(c.page, to);
    co_return std::vector<mouse_step>{{{to.x, to.y}, 0}};
  }
  auto path = mouse_path({m.x, m.y}, {to.x, to.y}, width, c.pace, *c.r);
  co_await play_path(c.page, path);
  co_return path;
}

/// Presses `count` times with human holds (click_hold_ms); returns the first hold (0 when fast).
asio::awaitable<double> press_buttons(action_context c, cdp::mouse_button button, int count) {
  if (c.fast()) {
    co_await cdp::burst_press(c.page, button, count);
    co_return 0.0;
  }
  double first_hold = 0;
  for (int n = 1; n <= count; ++n) {
    const double hold = paced(click_hold_ms(*c.r), c.pace) + c.slow_mo_ms;
    if (n == 1) first_hold = hold;
    // The release is scheduled from the moment the press is sent, so the press's round trip
    // does not lengthen the hold.
    const auto pressed = std::chrono::steady_clock::now();
    co_await cdp::mouse_down(c.page, button, n);
    const double left = hold - ms_since(pressed);
    if (left >= 1) co_await cdp::sleep_for(milliseconds(static_cast<long>(left)));
    co_await cdp::mouse_up(c.page, button, n);
    if (n < count) co_await pause(c, c.r->lognormal(90, 0.3));
  }
  co_return first_hold;
}

}  // namespace

asio::awaitable<std::vector<mouse_step>> move_to(action_context c, cdp::point to, double width) {
  co_return co_await move_path(c, to, width);
}

asio::awaitable<void> hover_over(action_context c, element_target t) {
  const auto& m = c.page.mouse().position;
  const point from{m.x, m.y};
  const auto path = co_await move_path(c, t.at, t.width > 0 ? t.width : 20);
  c.recorder->set_input_timing(pointer_timing_json({t.aim.x, t.aim.y}, path, from).dump());
}

asio::awaitable<element_target> press(action_context c, element_target t, cdp::mouse_button button,
                                      int count) {
  const auto& m0 = c.page.mouse().position;
  const point from{m0.x, m0.y};
  std::vector<mouse_step> path;
  for (int attempt = 0;; ++attempt) {
    auto leg = co_await move_path(c, t.at, t.width > 0 ? t.width : 20);
    path.insert(path.end(), leg.begin(), leg.end());
    if (!c.fast()) co_await pause(c, c.r->lognormal(80, 0.3));  // aim, then press
    const auto h = co_await c.agent->check(c.page.mouse().position, 0.5, 0.5);
    if (h.ok) break;
    // The layout moved under the pointer (a list grew, a banner slid in): aim again at the
    // element where it is now; if that keeps failing, press anyway and name what was hit.
    if (h.again && attempt < 2) {
      t.at = h.again->at;
      continue;
    }
    if (h.hit) {
      t = *h.hit;
      t.at = c.page.mouse().position;
    } else {
      t = element_target{};
      t.at = c.page.mouse().position;
    }
    break;
  }
  const double hold = co_await press_buttons(c, button, count);
  // Where in the element the pointer landed, as fractions (the click-placement model's draw,
  // as the page laid it out).
  const point frac{t.aim.x, t.aim.y};
  c.recorder->set_input_timing(click_timing_json(hold, frac, path, from).dump());
  co_return t;
}

namespace {

/// One wheel gesture towards an out-of-view target: the pointer goes over the container that
/// must scroll (a hand moves to a list before wheeling it), then the device's wheel events.
asio::awaitable<void> wheel_towards(action_context c, const element_target t) {
  const action_clock clock;
  const auto& m = c.page.mouse().position;
  if (t.wheel_at && std::hypot(t.wheel_at->x - m.x, t.wheel_at->y - m.y) > 3)
    co_await move_to(c, *t.wheel_at, 100);
  const auto by = *t.scroll_by;
  c.recorder->set_input_timing((co_await human_scroll(c, by.x, by.y)).dump());
  // The row names the element scrolled to; x/y are where the wheel was (what the page saw) and
  // input_value the vertical delta, like a scroll row's (a number: nothing to redact, even when
  // the element is a secret field).
  auto& row = c.recorder->record_at(action_type::scroll_to_element, c.page.mouse().position, clock,
                                    std::to_string(static_cast<int>(std::round(by.y))));
  row.element_selector = t.selector;
  if (!t.secret) row.element_text = t.text;
}

}  // namespace

asio::awaitable<revealed> reveal(action_context c, target_query ask) {
  for (int gestures = 0;; ++gestures) {
    auto t = co_await ask();
    if (!t || !t->scroll_by) co_return revealed{std::move(t), false};
    if (gestures == max_reveal_gestures) {
      spdlog::debug("{}: still out of view after {} wheel gestures", t->selector, gestures);
      co_return revealed{std::nullopt, true};
    }
    co_await wheel_towards(c, *t);
    // Finding it again: the hand is still on the wheel, so no resting drift (pause()'s jitter)
    // between the gesture and the move to the target.
    if (!c.fast())
      co_await cdp::sleep_for(
          milliseconds(static_cast<long>(paced(c.r->lognormal(250, 0.4), c.pace) + c.slow_mo_ms)));
  }
}

asio::awaitable<void> open_page(action_context c, std::string url, milliseconds timeout) {
  const action_clock clock;
  co_await c.page.navigate(url, timeout);
  const auto a = co_await c.agent->arrive();
  c.recorder->arrive(a, clock.elapsed_ms());
}

asio::awaitable<nlohmann::json> human_scroll(action_context c, double dx, double dy) {
  const auto& m = c.page.mouse().position;
  if (m.x <= 0 && m.y <= 0) co_await move_to(c, {320, 300}, 200);  // a hand over the content
  auto deltas = nlohmann::json::array();
  if (c.pace <= 0) {
    // One wheel event: back-to-back notches would be coalesced by Blink into one DOM event.
    co_await cdp::wheel(c.page, std::round(dx), std::round(dy));
    if (std::abs(dy) >= 0.5) deltas.push_back(std::round(dy));
    if (std::abs(dx) >= 0.5) deltas.push_back(std::round(dx));
  } else {
    for (int axis = 0; axis < 2; ++axis) {
      const double d = axis == 0 ? dy : dx;
      if (std::abs(d) < 1) continue;
      const auto steps = wheel_steps(d, c.who.device, c.pace, *c.r);
      for (const auto& s : steps) deltas.push_back(s.delta_y);
      co_await play_wheel(c.page, steps, axis == 1);
    }
  }
  c.agent->input_pending();
  co_return nlohmann::json{{"device", c.pace <= 0 ? "none" : to_string(c.who.device)},
                           {"deltas", std::move(deltas)}};
}

asio::awaitable<void> wheel(action_context c, double delta_y) {
  const action_clock clock;
  c.recorder->set_input_timing((co_await human_scroll(c, 0, delta_y)).dump());
  c.recorder->record_at(action_type::scroll, c.page.mouse().position, clock,
                        std::to_string(static_cast<int>(delta_y)));
}

namespace {

/// A target that names a selector; throws element_not_found (saying why) when there is none.
element_target found(revealed r, const std::string& selector) {
  if (r.out_of_reach)
    throw cdp::element_not_found(selector + " (still out of view after " +
                                 std::to_string(max_reveal_gestures) + " wheel gestures)");
  if (!r.target) throw cdp::element_not_found(selector);
  return std::move(*r.target);
}

asio::awaitable<element_target> named(action_context c, std::string selector) {
  const auto aim = click_fraction(*c.r);
  page_agent* agent = c.agent;
  // A named query, not a temporary in the co_await expression: g++ 12 destroys such a lambda
  // temporary twice (GCC bug 100611).
  target_query ask = [agent, selector, aim] { return agent->target(selector, aim.x, aim.y); };
  auto t = found(co_await reveal(c, std::move(ask)), selector);
  t.aim = {aim.x, aim.y};
  co_return t;
}

/// depart/depart_to as a target query: the link, with the page's facts kept in `facts`.
asio::awaitable<std::optional<element_target>> link_of(boost::asio::awaitable<departure> d,
                                                       page_facts* facts) {
  auto dep = co_await std::move(d);
  *facts = std::move(dep.facts);
  co_return std::move(dep.link);
}

asio::awaitable<element_target> click_named(action_context c, std::string selector) {
  auto t = co_await named(c, selector);
  const action_clock clock;
  const auto hit = co_await press(c, t);
  c.recorder->record(action_type::click, &hit, clock);
  co_return hit;
}

}  // namespace

asio::awaitable<void> hover(action_context c, std::string selector) {
  const auto t = co_await named(c, selector);
  const action_clock clock;
  co_await hover_over(c, t);
  c.recorder->record(action_type::hover, &t, clock);
}

asio::awaitable<void> click(action_context c, std::string selector) {
  co_await click_named(c, selector);
}

asio::awaitable<void> type_into(action_context c, std::string selector, std::string text) {
  const auto field = co_await click_named(c, selector);
  const action_clock clock;
  if (c.fast()) {
    co_await cdp::burst_type(c.page, text);
    c.recorder->record(action_type::type, &field, clock, text);
    co_return;
  }
  co_await pause(c, c.r->lognormal(300, 0.4));
  co_await type_keys(c, field, std::move(text));  // per-key timing (engine/persona/typing_model.hpp)
}

asio::awaitable<void> follow(action_context c, std::string selector, milliseconds timeout) {
  const auto aim = click_fraction(*c.r);
  page_agent* agent = c.agent;
  page_facts facts;
  target_query ask = [agent, selector, aim, &facts] {
    return link_of(agent->depart_to(selector, aim.x, aim.y), &facts);
  };
  auto link = found(co_await reveal(c, std::move(ask)), selector);
  link.aim = {aim.x, aim.y};
  const action_clock clock;
  cdp::navigation_watch watch(c.page);
  const auto hit = co_await press(c, link);
  c.recorder->record(action_type::click, &hit, clock);
  c.navigation_timeout = timeout;
  const auto out = co_await settle_click(c, std::move(watch), true);
  co_await follow_outcome(c, out, &facts);
}

asio::awaitable<bool> follow_link(action_context c, std::vector<int> link_indexes,
                                  milliseconds timeout) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto aim = click_fraction(*c.r);  // where in the link (human_input.hpp)
    page_agent* agent = c.agent;
    page_facts facts;
    target_query ask = [agent, link_indexes, aim, &facts] {
      return link_of(agent->depart(link_indexes, aim.x, aim.y), &facts);
    };
    auto link = (co_await reveal(c, std::move(ask))).target;
    if (!link) co_return false;
    link->aim = {aim.x, aim.y};
    const action_clock clock;
    if (link->dismiss) {
      // An overlay covered the links: close it with its own button, then try again.
      const auto hit = co_await press(c, *link);
      c.recorder->record(action_type::click, &hit, clock);
      continue;
    }
    cdp::navigation_watch watch(c.page);
    const auto hit = co_await press(c, *link);
    c.recorder->record(action_type::click, &hit, clock);
    // A link may not navigate (a script cancels it, an SPA routes it, it opens a tab, the list
    // moved under the pointer, the server hangs): whatever it did, the session goes on.
    c.navigation_timeout = timeout;
    const auto out = co_await settle_click(c, std::move(watch), true);
    co_await follow_outcome(c, out, &facts);
    co_return true;
  }
  co_return false;
}

asio::awaitable<void> type_keys(action_context c, element_target field, std::string text) {
  const auto keys = plan_typing(text, profile_for(c.who.skill), c.pace, *c.r);
  const auto start = std::chrono::steady_clock::now();
  // A correcting Backspace is its own key_press row, so the rows account for every key the page
  // saw; each run of other keys is one `type` row, with its keys' holds and gaps.
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i + 1;
    if (!keys[i].backspace)
      while (j < keys.size() && !keys[j].backspace) ++j;
    std::vector<planned_key> seg(keys.begin() + static_cast<long>(i),
                                 keys.begin() + static_cast<long>(j));
    const double first = seg.front().shift_press ? seg.front().shift_down_ms : seg.front().down_ms;
    for (auto& k : seg) {
      k.down_ms -= first;
      k.up_ms -= first;
      k.shift_down_ms -= first;
      k.shift_up_ms -= first;
    }
    if (const double wait = first - ms_since(start); wait >= 1)
      co_await cdp::sleep_for(milliseconds(static_cast<long>(wait)));
    const action_clock clock;
    std::string run;
    for (const auto& k : seg) run += k.text;
    if (!c.fast())
      co_await cdp::play_key_events(c.page, key_events(seg));
    else if (keys[i].backspace)
      co_await cdp::press_key(c.page, "Backspace");
    else
      co_await cdp::burst_type(c.page, run);  // pace 0: the pipelined burst path
    c.recorder->set_input_timing(typing_timing_json(seg).dump());
    c.recorder->record(keys[i].backspace ? action_type::key_press : action_type::type, &field,
                       clock, keys[i].backspace ? std::string("Backspace") : run);
    i = j;
  }
}

action step(asio::awaitable<void> (*fn)(action_context, std::string), std::string selector) {
  return [fn, selector](action_context c) { return fn(c, selector); };
}

}  // namespace footfall::engine
