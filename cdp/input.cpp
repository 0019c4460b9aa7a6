// Real input through the Input domain: the page receives isTrusted events.
#include "cdp/input.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace footfall::cdp {

namespace {

json mouse_event(const char* type, const page& p, mouse_button button, int click_count) {
  const auto& m = p.mouse();
  return {{"type", type},
          {"x", m.position.x},
          {"y", m.position.y},
          {"button", to_string(button)},
          {"buttons", m.buttons},
          {"clickCount", click_count},
          {"modifiers", p.keyboard().modifiers}};
}

// The button mouseMoved reports while one is held (Chromium needs it to continue drags).
mouse_button held_button(int buttons) {
  if (buttons & 1) return mouse_button::left;
  if (buttons & 2) return mouse_button::right;
  if (buttons & 4) return mouse_button::middle;
  return mouse_button::none;
}

asio::awaitable<void> move_to(page p, point to) {
  p.mouse().position = {round_coordinate(to.x), round_coordinate(to.y)};
  co_await p.session().send("Input.dispatchMouseEvent",
                            mouse_event("mouseMoved", p, held_button(p.mouse().buttons), 0));
}

int modifier_bit(std::string_view name) {
  if (name == "shift") return modifier::shift;
  if (name == "ctrl") return modifier::ctrl;
  if (name == "alt") return modifier::alt;
  if (name == "meta") return modifier::meta;
  return 0;
}

key_definition require_key(const std::string& name) {
  auto k = find_key(name);
  if (!k) throw error("unknown key '" + name + "'");
  return *k;
}

asio::awaitable<void> send_key_down(page p, key_definition k) {
  auto& kb = p.keyboard();
  kb.modifiers |= modifier_bit(k.modifier_name);
  const bool repeat = std::find(kb.pressed.begin(), kb.pressed.end(), k.code) != kb.pressed.end();
  if (!repeat) kb.pressed.emplace_back(k.code);
  // With text Chromium also fires keypress/beforeinput/input; without, a raw key down.
  auto e = key_event_params(k.text.empty() ? "rawKeyDown" : "keyDown", k, kb.modifiers);
  e["autoRepeat"] = repeat;
  co_await p.session().send("Input.dispatchKeyEvent", std::move(e));
}

asio::awaitable<void> send_key_up(page p, key_definition k) {
  auto& kb = p.keyboard();
  kb.modifiers &= ~modifier_bit(k.modifier_name);
  std::erase(kb.pressed, std::string(k.code));
  co_await p.session().send("Input.dispatchKeyEvent", key_event_params("keyUp", k, kb.modifiers));
}

asio::awaitable<void> press(page p, key_definition k, milliseconds hold) {
  // A character typed with Shift is typed as a person does: Shift down, key, Shift up.
  const bool add_shift = k.needs_shift && !(p.keyboard().modifiers & modifier::shift);
  const auto shift_key = *find_key("Shift");
  if (add_shift) co_await send_key_down(p, shift_key);
  // The hold counts from the moment the key down is sent, not from its acknowledgement.
  const auto down_at = std::chrono::steady_clock::now();
  co_await send_key_down(p, k);
  const auto left = hold - std::chrono::duration_cast<milliseconds>(
                               std::chrono::steady_clock::now() - down_at);
  if (left.count() > 0) co_await sleep_for(left);
  co_await send_key_up(p, k);
  if (add_shift) co_await send_key_up(p, shift_key);
}

}  // namespace

asio::awaitable<void> sleep_for(milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

asio::awaitable<void> mouse_move(page p, point to, int steps) {
  for (const auto& pt : tween(p.mouse().position, to, steps)) co_await move_to(p, pt);
}

asio::awaitable<void> mouse_move_path(page p, std::vector<point> path, milliseconds step_delay) {
  for (const auto& pt : path) {
    co_await move_to(p, pt);
    if (step_delay.count() > 0) co_await sleep_for(step_delay);
  }
}

namespace {
asio::awaitable<void> sleep_until(std::chrono::steady_clock::time_point at) {
  if (at <= std::chrono::steady_clock::now()) co_return;
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_at(at);
  co_await t.async_wait(asio::use_awaitable);
}
std::chrono::steady_clock::time_point after(std::chrono::steady_clock::time_point start, double ms) {
  return start + std::chrono::microseconds(static_cast<long long>(ms * 1000));
}
}  // namespace

asio::awaitable<void> mouse_move_timed(page p, std::vector<timed_point> path) {
  const auto start = std::chrono::steady_clock::now();
  for (const auto& s : path) {
    co_await sleep_until(after(start, s.at_ms));
    co_await move_to(p, s.at);
  }
}

asio::awaitable<void> play_key_events(page p, std::vector<timed_key_event> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  const auto start = std::chrono::steady_clock::now();
  for (auto& e : events) {
    co_await sleep_until(after(start, e.at_ms));
    if (e.insert) {
      if (e.down) co_await insert_text(p, std::move(e.key));
    } else if (e.down) {
      co_await send_key_down(p, require_key(e.key));
    } else {
      co_await send_key_up(p, require_key(e.key));
    }
  }
}

asio::awaitable<void> mouse_down(page p, mouse_button button, int click_count) {
  p.mouse().buttons |= button_bit(button);
  co_await p.session().send("Input.dispatchMouseEvent",
                            mouse_event("mousePressed", p, button, click_count));
}

asio::awaitable<void> mouse_up(page p, mouse_button button, int click_count) {
  p.mouse().buttons &= ~button_bit(button);
  co_await p.session().send("Input.dispatchMouseEvent",
                            mouse_event("mouseReleased", p, button, click_count));
}

asio::awaitable<void> click(page p, point at, click_options o) {
  co_await mouse_move(p, at, o.move_steps);
  // A double click is two press/release pairs; the second carries clickCount 2 so Chromium
  // fires dblclick (as a real mouse reports it).
  for (int n = 1; n <= std::max(o.click_count, 1); ++n) {
    co_await mouse_down(p, o.button, n);
    if (o.hold.count() > 0) co_await sleep_for(o.hold);
    co_await mouse_up(p, o.button, n);
  }
}

asio::awaitable<point> click_element(page p, std::string selector, click_options o) {
  auto b = co_await p.element_box(selector);
  const point at{round_coordinate(b.center().x), round_coordinate(b.center().y)};
  co_await click(p, at, o);
  co_return at;
}

asio::awaitable<void> hover(page p, point at, int steps) { co_await mouse_move(p, at, steps); }

asio::awaitable<point> hover_element(page p, std::string selector, int steps) {
  auto b = co_await p.element_box(selector);
  const point at{round_coordinate(b.center().x), round_coordinate(b.center().y)};
  co_await mouse_move(p, at, steps);
  co_return at;
}

asio::awaitable<void> drag(page p, point from, point to, drag_options o) {
  const auto& s = p.session();
  // With interception on, an HTML5 drag the page starts is handed to us (Input.dragIntercepted)
  // instead of entering the OS drag loop that headless Chromium cannot run.
  json args1 = {{"enabled", true}};
  co_await s.send("Input.setInterceptDrags", std::move(args1));
  auto intercepted = s.expect_event("Input.dragIntercepted");
  co_await mouse_move(p, from, 1);
  co_await mouse_down(p, mouse_button::left, 1);
  for (const auto& pt : tween(from, to, o.steps)) {
    co_await move_to(p, pt);
    if (o.step_delay.count() > 0) co_await sleep_for(o.step_delay);
    if (intercepted.ready()) break;
  }
  std::optional<json> data;
  try {
    data = co_await intercepted.wait(milliseconds(100));
  } catch (const timeout_error&) {
    // No HTML5 drag: the page handles plain mouse events (sliders, custom drag code).
  }
  if (data) {
    const point target{round_coordinate(to.x), round_coordinate(to.y)};
    p.mouse().position = target;
    for (const char* type : {"dragEnter", "dragOver", "drop"}) {
      json args2 = {{"type", type},
                    {"x", target.x},
                    {"y", target.y},
                    {"data", (*data)["data"]},
                    {"modifiers", p.keyboard().modifiers}};
      co_await s.send("Input.dispatchDragEvent", std::move(args2));
    }
  } else if (!(p.mouse().position == point{round_coordinate(to.x), round_coordinate(to.y)})) {
    co_await mouse_move(p, to, 1);
  }
  co_await mouse_up(p, mouse_button::left, 1);
  json args3 = {{"enabled", false}};
  co_await s.send("Input.setInterceptDrags", std::move(args3));
}

asio::awaitable<void> wheel(page p, double delta_x, double delta_y) {
  auto e = mouse_event("mouseWheel", p, mouse_button::none, 0);
  e["deltaX"] = delta_x;
  e["deltaY"] = delta_y;
  co_await p.session().send("Input.dispatchMouseEvent", std::move(e));
}

asio::awaitable<void> key_down(page p, std::string key) {
  co_await send_key_down(p, require_key(key));
}

asio::awaitable<void> key_up(page p, std::string key) { co_await send_key_up(p, require_key(key)); }

asio::awaitable<void> press_key(page p, std::string key, milliseconds hold) {
  co_await press(p, require_key(key), hold);
}

asio::awaitable<void> type_text(page p, std::string text, milliseconds delay) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (auto k = key_for_char(text[i])) {
      co_await press(p, *k, milliseconds(0));
      ++i;
    } else {
      // A run of characters no US key types (UTF-8, controls): committed like an IME would.
      std::size_t j = i;
      while (j < text.size() && !key_for_char(text[j])) ++j;
      co_await insert_text(p, text.substr(i, j - i));
      i = j;
    }
    if (delay.count() > 0 && i < text.size()) co_await sleep_for(delay);
  }
}

asio::awaitable<void> insert_text(page p, std::string text) {
  json args4 = {{"text", std::move(text)}};
  co_await p.session().send("Input.insertText", std::move(args4));
}

asio::awaitable<int> select_option(page p, std::string selector, std::string option) {
  const std::string find =
      "(() => { const s = document.querySelector(" + json(selector).dump() +
      "); if (!s || !s.options) return null; const want = " + json(option).dump() +
      "; const i = Array.from(s.options).findIndex(o => o.value === want || "
      "o.label === want || o.text.trim() === want); "
      "return [s.selectedIndex, i]; })()";
  auto v = co_await p.evaluate(find);
  if (!v.is_array()) throw element_not_found(selector);
  const int current = v[0].get<int>(), wanted = v[1].get<int>();
  if (wanted < 0) throw element_not_found(selector + " option '" + option + "'");
  // Focus the closed <select> through DevTools (no popup, no synthetic event), then choose with
  // the arrow keys: on Linux/Windows they change a focused closed select's value directly and
  // the page sees trusted keydown/input/change events.
  json args5 = {{"expression", "document.querySelector(" + json(selector).dump() + ")"}};
  auto obj = co_await p.session().send("Runtime.evaluate", std::move(args5));
  const auto object_id = obj["result"].value("objectId", std::string());
  json args6 = {{"objectId", object_id}};
  co_await p.session().send("DOM.focus", std::move(args6));
  json args7 = {{"objectId", object_id}};
  co_await p.session().send("Runtime.releaseObject", std::move(args7));
  const auto key = require_key(wanted > current ? "ArrowDown" : "ArrowUp");
  for (int n = 0; n < std::abs(wanted - current); ++n) co_await press(p, key, milliseconds(0));
  auto now =
      co_await p.evaluate("document.querySelector(" + json(selector).dump() + ").selectedIndex");
  if (now.get<int>() != wanted)
    throw error("select_option " + selector + ": arrow keys reached index " + now.dump() +
                ", wanted " + std::to_string(wanted) + " (disabled options in the way?)");
  co_return wanted;
}

json key_event_params(const char* type, const key_definition& k, int modifiers) {
  json e = {{"type", type},
            {"modifiers", modifiers},
            {"key", k.key},
            {"code", k.code},
            {"windowsVirtualKeyCode", k.key_code},
            {"nativeVirtualKeyCode", k.key_code},
            {"location", k.location}};
  if (!k.text.empty() && std::string_view(type) != "keyUp") {
    e["text"] = k.text;
    e["unmodifiedText"] = k.text;
  }
  return e;
}

}  // namespace footfall::cdp
