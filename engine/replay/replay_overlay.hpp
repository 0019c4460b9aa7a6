#pragma once
/// The cursor overlay of `footfall replay --headed`: CDP input (Input.dispatchMouseEvent) moves
/// no OS cursor, so a watcher would not see where the engine points. The overlay is a small
/// fixed-position ring the page itself draws and moves on every mousemove it receives.
///
/// It is VISIBLE TO THE PAGE: it is added to the page's own document (main world, so it draws
/// above the content) as the last child of <body>, with id `__footfall_cursor`, and it listens
/// to window mousemove/mousedown in the capture phase. It has pointer-events:none, so it is never
/// an event target and never changes hit-testing (elementFromPoint skips it). It is installed by
/// replay only, never by `run`, `worker` or `visit`: recorded sessions never carry it.
#include <optional>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"

namespace footfall::engine {

/// The overlay element's id in the page.
inline constexpr const char* cursor_overlay_id = "__footfall_cursor";

/// The overlay's source: engine/replay/js/cursor_overlay.js, embedded at build time.
std::string_view cursor_overlay_script();

/// Registers the overlay for every document `p` loads from now on (call before navigating).
boost::asio::awaitable<void> install_cursor_overlay(cdp::page p);

/// Draws the overlay where the pointer is: a document that just loaded has seen no mousemove
/// yet, so without this the ring would wait for the next movement.
boost::asio::awaitable<void> place_cursor_overlay(cdp::page p);

/// Where the overlay is drawn now (its centre, viewport CSS px); nullopt when absent or not yet
/// moved. For tests and the --step prompt.
boost::asio::awaitable<std::optional<cdp::point>> cursor_overlay_position(cdp::page p);

}  // namespace footfall::engine
