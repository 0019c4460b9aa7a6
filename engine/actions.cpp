// The shared actions. Every row names what the page really received: targets come from the page
// agent's actionability checks and, for presses, from the check at press time.
#include "engine/actions.hpp"

#include "engine/click_outcome.hpp"

#include "cdp/errors.hpp"
#include "cdp/input.hpp"
#include "cdp/input_burst.hpp"
#include "engine/behaviour.hpp"
#include "engine/human_input.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using storage::action_type;

asio::awaitable<void> run_actions(action_context c, std::vector<action> steps) {
  for (auto& s : steps) co_await s(c);
}

asio::awaitable<void> pause(action_context c, double human_ms) {
  const double ms = paced(human_ms, c.pace) + c.slow_mo_ms;
  if (ms < 1) co_return;
  const auto due = std::chrono::steady_clock::now() + milliseconds(static_cast<long>(ms));
  co_await cdp::sleep_for(milliseconds(static_cast<long>(ms)));
  // Timing fidelity (issue 10): how late the timer fired, charged to the next recorded action.
  if (c.recorder)
    c.recorder->add_start_lag(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - due).count());
}

asio::awaitable<void> move_to(action_context c, cdp::point to, double width) {
  const auto& m = c.page.mouse().position;
  const auto path = mouse_path({m.x, m.y}, {to.x, to.y}, width, c.pace, *c.r);
  std::vector<cdp::point> pts;
  double total = 0;
  for (const auto& s : path) {
    pts.push_back({s.at.x, s.at.y});
    total += s.delay_ms;
  }
  const auto step = milliseconds(static_cast<long>(pts.empty() ? 0 : total / pts.size()));
  co_await cdp::mouse_move_path(c.page, std::move(pts), step);
}

namespace {

asio::awaitable<void> aim(action_context c, cdp::point at, double width) {
  if (c.fast()) {
    co_await cdp::burst_move(c.page, at);
  } else {
    co_await move_to(c, at, width);
    co_await pause(c, c.r->lognormal(80, 0.3));  // aim, then press
  }
}

asio::awaitable<void> press_buttons(action_context c, cdp::mouse_button button, int count) {
  if (c.fast()) {
    co_await cdp::burst_press(c.page, button, count);
    co_return;
  }
  for (int n = 1; n <= count; ++n) {
    co_await cdp::mouse_down(c.page, button, n);
    co_await pause(c, c.r->lognormal(60, 0.3));
    co_await cdp::mouse_up(c.page, button, n);
    if (n < count) co_await pause(c, c.r->lognormal(90, 0.3));
  }
}

}  // namespace

asio::awaitable<element_target> press(action_context c, element_target t, cdp::mouse_button button,
                                      int count) {
  for (int attempt = 0;; ++attempt) {
    co_await aim(c, t.at, t.width > 0 ? t.width : 20);
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
  co_await press_buttons(c, button, count);
  co_return t;
}

void note_scroll_into_view(action_context c, const element_target& t, const action_clock& clock) {
  if (t.scrolled && !t.selector.empty())
    c.recorder->record(action_type::scroll_to_element, &t, clock);
}

asio::awaitable<void> open_page(action_context c, std::string url, milliseconds timeout) {
  const action_clock clock;
  co_await c.page.navigate(url, timeout);
  const auto a = co_await c.agent->arrive();
  c.recorder->arrive(a, clock.elapsed_ms());
}

asio::awaitable<void> wheel(action_context c, double delta_y) {
  const action_clock clock;
  co_await cdp::wheel(c.page, 0, delta_y);
  c.agent->input_pending();
  c.recorder->record_at(action_type::scroll, c.page.mouse().position, clock,
                        std::to_string(static_cast<int>(delta_y)));
}

namespace {

asio::awaitable<element_target> named(action_context c, std::string selector) {
  auto t = co_await c.agent->target(selector, 0.5, 0.5);
  if (!t) throw cdp::element_not_found(selector);
  co_return *t;
}

asio::awaitable<element_target> click_named(action_context c, std::string selector) {
  const action_clock clock;
  auto t = co_await named(c, selector);
  note_scroll_into_view(c, t, clock);
  const auto hit = co_await press(c, t);
  c.recorder->record(action_type::click, &hit, clock);
  co_return hit;
}

}  // namespace

asio::awaitable<void> hover(action_context c, std::string selector) {
  const action_clock clock;
  const auto t = co_await named(c, selector);
  note_scroll_into_view(c, t, clock);
  co_await move_to(c, t.at, t.width);
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
  } else {
    co_await pause(c, c.r->lognormal(300, 0.4));
    co_await cdp::type_text(c.page, text, milliseconds(static_cast<long>(paced(110, c.pace))));
  }
  c.recorder->record(action_type::type, &field, clock, text);
}

asio::awaitable<void> follow(action_context c, std::string selector, milliseconds timeout) {
  const action_clock clock;
  const auto dep = co_await c.agent->depart_to(selector, 0.5, 0.5);
  if (!dep.link) throw cdp::element_not_found(selector);
  note_scroll_into_view(c, *dep.link, clock);
  cdp::navigation_watch watch(c.page);
  const auto hit = co_await press(c, *dep.link);
  c.recorder->record(action_type::click, &hit, clock);
  c.navigation_timeout = timeout;
  const auto out = co_await settle_click(c, std::move(watch));
  co_await follow_outcome(c, out, &dep.facts);
}

asio::awaitable<bool> follow_link(action_context c, std::vector<int> link_indexes,
                                  milliseconds timeout) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const double u2 = c.r->uniform(), u3 = c.r->uniform();
    const action_clock clock;
    const auto dep = co_await c.agent->depart(link_indexes, u2, u3);
    if (!dep.link) co_return false;
    note_scroll_into_view(c, *dep.link, clock);
    if (dep.link->dismiss) {
      // An overlay covered the links: close it with its own button, then try again.
      const auto hit = co_await press(c, *dep.link);
      c.recorder->record(action_type::click, &hit, clock);
      continue;
    }
    cdp::navigation_watch watch(c.page);
    const auto hit = co_await press(c, *dep.link);
    c.recorder->record(action_type::click, &hit, clock);
    // A link may not navigate (a script cancels it, an SPA routes it, it opens a tab, the list
    // moved under the pointer, the server hangs): whatever it did, the session goes on.
    c.navigation_timeout = timeout;
    const auto out = co_await settle_click(c, std::move(watch));
    co_await follow_outcome(c, out, &dep.facts);
    co_return true;
  }
  co_return false;
}

asio::awaitable<void> type_keys(action_context c, element_target field, std::string text) {
  const auto strokes = typing_plan(text, c.pace, *c.r);
  // Runs of plain keys become one `type` row each; a typo's Backspace is a `key_press` row, so
  // the rows account for every key the page saw.
  std::size_t i = 0;
  while (i < strokes.size()) {
    const action_clock clock;
    if (strokes[i].backspace) {
      if (strokes[i].delay_ms > 0)
        co_await cdp::sleep_for(milliseconds(static_cast<long>(strokes[i].delay_ms)));
      co_await cdp::press_key(c.page, "Backspace");
      c.recorder->record(action_type::key_press, &field, clock, std::string("Backspace"));
      ++i;
      continue;
    }
    std::string run;
    double delay = 0;
    std::size_t j = i;
    for (; j < strokes.size() && !strokes[j].backspace; ++j) {
      run += strokes[j].text;
      delay += strokes[j].delay_ms;
    }
    const auto per_key = milliseconds(static_cast<long>(delay / static_cast<double>(j - i)));
    if (c.fast())
      co_await cdp::burst_type(c.page, run);
    else
      co_await cdp::type_text(c.page, run, per_key);
    c.recorder->record(action_type::type, &field, clock, run);
    i = j;
  }
}

action step(asio::awaitable<void> (*fn)(action_context, std::string), std::string selector) {
  return [fn, selector](action_context c) { return fn(c, selector); };
}

}  // namespace footfall::engine
