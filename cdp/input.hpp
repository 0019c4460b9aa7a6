#pragma once
/// Real input through the Input domain only: mouse, wheel, keyboard, drag and drop, <select>.
/// Each action is a coroutine over a page handle (by value) and updates the page's input state.
/// Never a scripted click or a synthetic DOM event: the page sees isTrusted events.
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/input_model.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

/// Moves the pointer to `to` in `steps` evenly spaced mouseMoved events (steps >= 1).
asio::awaitable<void> mouse_move(page p, point to, int steps = 1);
/// Moves the pointer through every point of `path` in order (a human-like curve from the engine).
asio::awaitable<void> mouse_move_path(page p, std::vector<point> path,
                                      milliseconds step_delay = milliseconds{0});
/// Moves the pointer through `path`, each sample sent at its own planned time (a human-like
/// movement from the engine's model: the velocity profile is in the timing, not only the shape).
asio::awaitable<void> mouse_move_timed(page p, std::vector<timed_point> path);
/// Presses `button` at the current position.
asio::awaitable<void> mouse_down(page p, mouse_button button = mouse_button::left,
                                 int click_count = 1);
/// Releases `button` at the current position.
asio::awaitable<void> mouse_up(page p, mouse_button button = mouse_button::left,
                               int click_count = 1);

/// How a click is made.
struct click_options {
  mouse_button button = mouse_button::left;
  int click_count = 1;   ///< 2 = double click (two press/release pairs, dblclick fires).
  int move_steps = 1;    ///< mouseMoved events on the way to the target.
  milliseconds hold{0};  ///< Between press and release.
};
/// Moves to `at` and clicks there.
asio::awaitable<void> click(page p, point at, click_options options = click_options());
/// Scrolls the element into view, clicks its centre and returns the point used.
asio::awaitable<point> click_element(page p, std::string selector,
                                     click_options options = click_options());
/// Moves the pointer to `at` (hover).
asio::awaitable<void> hover(page p, point at, int steps = 1);
/// Scrolls the element into view, moves to its centre and returns the point used.
asio::awaitable<point> hover_element(page p, std::string selector, int steps = 1);

/// How a drag is made.
struct drag_options {
  int steps = 10;  ///< mouseMoved events between press and release.
  milliseconds step_delay{0};
};
/// Press at `from`, move to `to`, release. When the page starts an HTML5 drag (draggable=true)
/// Chromium intercepts it (Input.setInterceptDrags) and the drop is delivered with
/// Input.dispatchDragEvent dragEnter/dragOver/drop at `to`; otherwise the plain mouse events do.
asio::awaitable<void> drag(page p, point from, point to, drag_options options = drag_options());

/// Scrolls with the wheel at the pointer's position (mouseWheel, deltas in CSS px).
asio::awaitable<void> wheel(page p, double delta_x, double delta_y);

/// The Input.dispatchKeyEvent parameters for one key event ("rawKeyDown", "keyDown", "keyUp"):
/// key, code, keyCode and, except on keyUp, text. For callers that pipeline their own events.
json key_event_params(const char* type, const key_definition& k, int modifiers);

/// Presses a key (find_key name: "a", "Enter", "Shift"...). Modifiers held stay held.
asio::awaitable<void> key_down(page p, std::string key);
/// Releases a key.
asio::awaitable<void> key_up(page p, std::string key);
/// key_down then key_up (Shift is pressed around keys that need it).
asio::awaitable<void> press_key(page p, std::string key, milliseconds hold = milliseconds{0});
/// Types `text` into the focused element: one key press per character a US key types
/// (keyDown/char/keyUp with key, code, text, keyCode), Input.insertText for the others.
asio::awaitable<void> type_text(page p, std::string text, milliseconds delay = milliseconds{0});
/// Sends key events each at its planned time (a per-key typing plan: keyDown, hold, keyUp per
/// key, Shift around shifted keys, overlaps where planned). Events are sent in time order; the
/// schedule is absolute from the call, so round trips do not accumulate into drift.
asio::awaitable<void> play_key_events(page p, std::vector<timed_key_event> events);
/// Input.insertText: text as an IME would commit it (no key events).
asio::awaitable<void> insert_text(page p, std::string text);

/// Chooses the option of the <select> matching `selector` whose value or label is `option`,
/// with real input: clicks the select to focus it (closing the popup with Escape), then
/// ArrowUp/ArrowDown to the option. Returns the index chosen; element_not_found if none.
asio::awaitable<int> select_option(page p, std::string selector, std::string option);

/// Waits without blocking the io thread.
asio::awaitable<void> sleep_for(milliseconds d);

}  // namespace footfall::cdp
