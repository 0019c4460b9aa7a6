#pragma once
/// Input's burst mode: several Input commands of one page sent back to back, all replies awaited
/// together, instead of one round trip each. Chromium handles a target's Input commands in the
/// order they arrive, so ordering holds; the engine uses it at pace 0, where no human delay sits
/// between the events anyway (a click's move/press/release, a typed word's keys).
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/input_model.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

/// One command: `method` must be a string literal (the connection keeps the pointer).
struct burst_command {
  const char* method;
  json params;
};

/// Sends every command (any domain) in order without waiting in between; returns when all
/// replied. Rethrows the first failure (after all have settled).
asio::awaitable<void> send_burst(session s, std::vector<burst_command> cmds);

/// Moves to `at` in one mouseMoved event (none when already there). Keeps the mouse state.
asio::awaitable<void> burst_move(page p, point at);
/// `count` press/release pairs of `button` at the current position, in one burst.
asio::awaitable<void> burst_press(page p, mouse_button button, int count);
/// Move to `at`, then `count` press/release pairs of `button`, in one burst.
asio::awaitable<void> burst_click(page p, point at, mouse_button button, int count);

/// Types ASCII `text` as key events (Shift around shifted characters, as cdp::type_text does)
/// in one pipelined burst; characters no US key types go through Input.insertText in order.
asio::awaitable<void> burst_type(page p, std::string text);

}  // namespace footfall::cdp
