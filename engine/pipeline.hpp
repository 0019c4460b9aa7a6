#pragma once
/// Input pipelining: sends several CDP commands of one page back to back and awaits all their
/// replies, instead of one round trip each. Chromium handles a target's Input commands in the
/// order they arrive, so ordering holds; this is used at pace 0, where no human delay sits
/// between the events anyway (a click's move/press/release, a typed word's keys).
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/input_model.hpp"
#include "cdp/page.hpp"

namespace footfall::engine {

/// One command: `method` must be a string literal (the connection keeps the pointer).
struct pipelined_command {
  const char* method;
  cdp::json params;
};

/// Sends every command in order without waiting in between; returns when all replied. Rethrows
/// the first failure (after all have settled).
boost::asio::awaitable<void> send_pipelined(cdp::session s, std::vector<pipelined_command> cmds);

/// Move to `at`, then `count` press/release pairs of `button`, in one pipelined burst. Keeps the
/// page's mouse state in step.
boost::asio::awaitable<void> fast_click(cdp::page p, cdp::point at, cdp::mouse_button button,
                                        int count);

/// Types ASCII `text` as key events (Shift around shifted characters, as cdp::type_text does)
/// in one pipelined burst; characters no US key types go through Input.insertText in order.
boost::asio::awaitable<void> fast_type(cdp::page p, std::string text);

}  // namespace footfall::engine
