// A persona's mid-page actions. Each asks the page agent once for a target (actionability checks
// and hit-testing happen in that one call), moves the real mouse along a human path, presses
// after checking what is under the pointer, and records what was hit.
#include "engine/journey/session_actions.hpp"

#include <cmath>

#include <spdlog/spdlog.h>

#include "cdp/errors.hpp"
#include "cdp/input.hpp"
#include "engine/journey/click_outcome.hpp"
#include "engine/persona/behaviour.hpp"
#include "engine/persona/human_input.hpp"
#include "engine/persona/typing_model.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using storage::action_type;

std::string text_for_field(const std::string& type, const std::string& name,
                           const std::string& autocomplete, rng& r) {
  static const std::vector<std::string> words{"quick",  "guide",  "pricing", "shoes",   "weather",
                                              "recipe", "garden", "laptop",  "holiday", "books"};
  const auto word = [&] {
    return words[static_cast<std::size_t>(r.between(0, static_cast<int>(words.size()) - 1))];
  };
  if (type == "email" || name.find("mail") != std::string::npos)
    return "visitor" + std::to_string(r.between(1, 999)) + "@example.com";
  if (type == "password" || autocomplete.find("password") != std::string::npos)
    return "Pa55word" + std::to_string(r.between(10, 99));
  if (name.find("card") != std::string::npos || autocomplete.find("cc-number") != std::string::npos)
    return "4111 1111 1111 1111";
  if (type == "tel" || name.find("phone") != std::string::npos)
    return "555" + std::to_string(r.between(1000000, 9999999));
  if (type == "number") return std::to_string(r.between(1, 99));
  if (type == "url") return "https://example.com/" + word();
  if (name.find("name") != std::string::npos) return r.chance(0.5) ? "Alex Morgan" : "Sam Lee";
  const int n = r.between(1, 3);
  std::string s = word();
  for (int i = 1; i < n; ++i) s += " " + word();
  return s;
}

namespace {

/// A target of `kind`, brought into view by wheel input first when it is not (actions.hpp
/// reveal: scroll_to_element rows).
asio::awaitable<std::optional<element_target>> pick(action_context c, pick_kind kind) {
  const double u1 = c.r->uniform();
  const auto aim = click_fraction(*c.r);  // where in the element (human_input.hpp)
  page_agent* agent = c.agent;
  // Named, not a temporary in the co_await expression (GCC bug 100611, actions.cpp).
  target_query ask = [agent, kind, u1, aim] { return agent->pick(kind, u1, aim.x, aim.y); };
  auto t = (co_await reveal(c, std::move(ask))).target;
  if (t) t->aim = {aim.x, aim.y};
  co_return t;
}

/// A single key's hold, paced, from the session's typing profile (typing_model.hpp).
double key_hold(action_context c) {
  const auto p = profile_for(c.who.skill);
  return paced(c.r->lognormal(p.hold_median_ms, p.hold_sigma), c.pace);
}

milliseconds ms(double v) { return milliseconds(static_cast<long>(v)); }

asio::awaitable<void> do_scroll(action_context c) {
  const auto st = co_await c.agent->stats();
  const bool at_bottom = st.scroll_y + st.viewport_height >= st.height - 2;
  const bool at_top = st.scroll_y <= 0;
  const double dir = at_bottom ? -1 : (at_top ? 1 : (c.r->chance(0.85) ? 1 : -1));
  const double total = dir * c.r->between(300, 1200);
  const auto& m = c.page.mouse().position;
  if (m.x <= 0 && m.y <= 0) {
    // The pointer starts at the corner; a reader's hand rests over the content.
    const int vh = st.viewport_height;
    co_await move_to(c, {vh > 0 ? 400.0 : 100.0, vh > 0 ? vh / 2.0 : 100.0}, 200);
  }
  // One scroll action per gesture (its notches are input events, not actions of their own):
  // input_value holds the total delta, duration_ms the gesture's length, input_timing the
  // device's deltas (human_scroll: the device model; one wheel event at pace 0).
  const action_clock clock;
  c.recorder->set_input_timing((co_await human_scroll(c, 0, total)).dump());
  c.recorder->record_at(action_type::scroll, c.page.mouse().position, clock,
                        std::to_string(static_cast<int>(total)));
}

asio::awaitable<bool> do_click(action_context c, action_type t) {
  const auto target = co_await pick(c, pick_kind::click);
  if (!target) co_return false;
  const action_clock clock;
  auto button = cdp::mouse_button::left;
  int count = 1;
  if (t == action_type::right_click && !target->dismiss) {
    button = cdp::mouse_button::right;
  } else if (t == action_type::double_click && !target->dismiss) {
    count = 2;
  } else {
    t = action_type::click;
  }
  cdp::navigation_watch watch(c.page);
  const auto hit = co_await press(c, *target, button, count);
  c.recorder->record(t, &hit, clock);
  const auto out = co_await settle_click(c, std::move(watch));
  // An SPA route is a new visit of the same document (its facts close the old one). A new
  // document is followed by the journey, which sees the main frame navigate.
  if (out.kind == cdp::navigation_kind::same_document) {
    const auto facts = co_await c.agent->stats();
    co_await follow_outcome(c, out, &facts);
  }
  co_return true;
}

asio::awaitable<bool> do_hover(action_context c) {
  const auto target = co_await pick(c, pick_kind::hover);
  if (!target) co_return false;
  const action_clock clock;
  if (target->dismiss) {
    const auto hit = co_await press(c, *target);
    c.recorder->record(action_type::click, &hit, clock);
  } else {
    co_await hover_over(c, *target);
    c.recorder->record(action_type::hover, &*target, clock);
  }
  co_await pause(c, c.r->lognormal(400, 0.5));  // lingering is what makes it a hover
  co_return true;
}

/// Clicks a field to focus it; records the click. The field, or nullopt when the click went to
/// an overlay's close button or to something else that was under the pointer.
asio::awaitable<std::optional<element_target>> focus(action_context c, element_target target) {
  const action_clock clock;
  const auto hit = co_await press(c, target);
  c.recorder->record(action_type::click, &hit, clock);
  if (target.dismiss || hit.selector != target.selector) co_return std::nullopt;
  co_return hit;
}

asio::awaitable<bool> do_type(action_context c) {
  const auto target = co_await pick(c, pick_kind::type);
  if (!target) co_return false;
  const auto field = co_await focus(c, *target);
  if (!field) co_return true;
  const std::string text = text_for_field(field->type, field->name, field->autocomplete, *c.r);
  co_await pause(c, c.r->lognormal(300, 0.4));
  co_await type_keys(c, *field, text);
  co_return true;
}

asio::awaitable<bool> do_clear(action_context c) {
  const auto target = co_await pick(c, pick_kind::clear);
  if (!target) co_return false;
  const auto field = co_await focus(c, *target);
  if (!field) co_return true;
  const action_clock clock;
  // Ctrl+A, Backspace, each key held as a person holds it (hold 0 only at pace 0).
  const double h1 = key_hold(c), h2 = key_hold(c);
  co_await cdp::key_down(c.page, "Control");
  co_await cdp::press_key(c.page, "a", ms(h1));
  co_await cdp::key_up(c.page, "Control");
  co_await cdp::press_key(c.page, "Backspace", ms(h2));
  c.recorder->set_input_timing(
      nlohmann::json{{"holds", {std::lround(h1), std::lround(h2)}}}.dump());
  c.recorder->record(action_type::clear, &*field, clock, std::string());
  co_return true;
}

asio::awaitable<bool> do_select(action_context c) {
  const auto target = co_await pick(c, pick_kind::select);
  if (!target || target->dismiss || target->options.size() < 2) co_return false;
  const action_clock clock;
  const int current = target->selected;
  int choice = c.r->between(0, static_cast<int>(target->options.size()) - 2);
  if (choice >= current) ++choice;  // a different option than the one shown
  co_await move_to(c, target->at, target->width);
  // The picker focused the select; each arrow key is its own key_press row, so the rows
  // account for every key the page saw, and the select row holds the outcome.
  const std::string key = choice > current ? "ArrowDown" : "ArrowUp";
  for (int n = 0; n < std::abs(choice - current); ++n) {
    const action_clock key_clock;
    co_await pause(c, c.r->lognormal(150, 0.3));
    const double hold = key_hold(c);
    co_await cdp::press_key(c.page, key, ms(hold));
    c.recorder->set_input_timing(nlohmann::json{{"holds", {std::lround(hold)}}}.dump());
    c.recorder->record(action_type::key_press, &*target, key_clock, key);
  }
  c.recorder->record(action_type::select, &*target, clock,
                     target->options[static_cast<std::size_t>(choice)]);
  co_return true;
}

asio::awaitable<bool> do_drag(action_context c) {
  const auto target = co_await pick(c, pick_kind::drag);
  if (!target || target->dismiss || !target->drag_to) co_return false;
  const action_clock clock;
  const auto& m = c.page.mouse().position;
  const point from{m.x, m.y};
  const auto path = co_await move_to(c, target->at, target->width);
  cdp::drag_options o;
  o.steps = c.pace > 0 ? 12 : 3;
  o.step_delay = milliseconds(static_cast<long>(paced(25, c.pace)));
  const auto pressed = std::chrono::steady_clock::now();
  co_await cdp::drag(c.page, target->at, *target->drag_to, o);
  // Like a click's: the approach path and where in the element; "hold" is press to release (the
  // drag itself), "drag" its moves and distance.
  const double hold =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - pressed).count();
  auto timing = click_timing_json(hold, {target->aim.x, target->aim.y}, path, from);
  timing["drag"] = {{"steps", o.steps},
                    {"step_ms", o.step_delay.count()},
                    {"distance", std::lround(std::hypot(target->drag_to->x - target->at.x,
                                                        target->drag_to->y - target->at.y))}};
  c.recorder->set_input_timing(timing.dump());
  c.recorder->record(action_type::drag_and_drop, &*target, clock, target->drop_selector);
  co_return true;
}

asio::awaitable<void> do_key_press(action_context c) {
  static const std::vector<std::string> keys{"Tab",      "ArrowDown", "ArrowUp",
                                             "PageDown", "Home",      "End"};
  static const std::vector<double> weights{3, 3, 1, 2, 0.5, 0.5};
  const auto& key = keys[c.r->weighted(weights)];
  const action_clock clock;
  // Record where the key goes (the focused element), as the page will see it.
  const auto active = co_await c.agent->active();
  const double hold = key_hold(c);
  co_await cdp::press_key(c.page, key, ms(hold));
  c.recorder->set_input_timing(nlohmann::json{{"holds", {std::lround(hold)}}}.dump());
  c.agent->input_pending();  // PageDown, End, arrows may scroll
  element_target focused;
  focused.selector = active.selector;
  focused.text = active.text;
  auto& a = c.recorder->record(action_type::key_press, &focused, clock, key);
  a.x.reset();
  a.y.reset();
}

/// The landmark first chosen, then the same element by its selector (the choice among landmarks
/// out of view changes as the page scrolls).
asio::awaitable<std::optional<element_target>> landmark(page_agent* agent,
                                                        std::optional<element_target>* first,
                                                        std::string selector) {
  if (*first) co_return std::exchange(*first, std::nullopt);
  co_return co_await agent->target(selector, 0.5, 0.5);
}

/// Scrolls a landmark further down (or up) the page into view with wheel gestures (reveal: one
/// scroll_to_element row each). False when every landmark is in view already.
asio::awaitable<bool> do_scroll_to_element(action_context c) {
  const double u1 = c.r->uniform();
  page_agent* agent = c.agent;
  std::optional<element_target> first = co_await agent->pick(pick_kind::scroll_to, u1, 0.5, 0.5);
  if (!first || !first->scroll_by) co_return false;
  const std::string selector = first->selector;
  target_query ask = [agent, &first, selector] { return landmark(agent, &first, selector); };
  const auto r = co_await reveal(c, std::move(ask));
  if (r.out_of_reach) spdlog::debug("scroll_to_element: {} still out of view", selector);
  co_return true;
}

asio::awaitable<bool> dispatch(action_context c, action_type t) {
  switch (t) {
    case action_type::click:
    case action_type::double_click:
    case action_type::right_click:
      co_return co_await do_click(c, t);
    case action_type::hover:
      co_return co_await do_hover(c);
    case action_type::type:
      co_return co_await do_type(c);
    case action_type::clear:
      co_return co_await do_clear(c);
    case action_type::select:
      co_return co_await do_select(c);
    case action_type::drag_and_drop:
      co_return co_await do_drag(c);
    case action_type::key_press:
      co_await do_key_press(c);
      co_return true;
    case action_type::scroll_to_element:
      co_return co_await do_scroll_to_element(c);
    default:
      co_return false;
  }
}

}  // namespace

asio::awaitable<void> perform(action_context c, action_type t) {
  if (c.slow_mo_ms > 0) co_await pause(c, 0);
  bool done = true;
  try {
    done = co_await dispatch(c, t);
  } catch (const cdp::javascript_error& e) {
    // The document changed under us (navigation, page script); the session goes on.
    spdlog::debug("{} skipped: {}", storage::to_string(t), e.what());
    done = true;
  }
  // Nothing of that kind on this page: the visitor reads on instead.
  if (!done) co_await do_scroll(c);
}

}  // namespace footfall::engine
