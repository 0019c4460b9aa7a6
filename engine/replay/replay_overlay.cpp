#include "engine/replay/replay_overlay.hpp"

#include <chrono>

namespace footfall::engine {

boost::asio::awaitable<void> install_cursor_overlay(cdp::page p) {
  nlohmann::json params{{"source", std::string(cursor_overlay_script())}};
  co_await p.session().send("Page.addScriptToEvaluateOnNewDocument", std::move(params),
                            std::chrono::seconds(5));
}

boost::asio::awaitable<void> place_cursor_overlay(cdp::page p) {
  const auto at = p.mouse().position;
  if (at.x <= 0 && at.y <= 0) co_return;  // the pointer has not entered the page yet
  co_await p.evaluate("window.__footfallCursorAt && window.__footfallCursorAt(" +
                      std::to_string(at.x) + "," + std::to_string(at.y) + ")");
}

boost::asio::awaitable<std::optional<cdp::point>> cursor_overlay_position(cdp::page p) {
  const auto v = co_await p.evaluate(
      "(() => { const e = document.getElementById('__footfall_cursor');"
      " if (!e || e.style.display !== 'block') return null;"
      " return { x: parseFloat(e.style.left), y: parseFloat(e.style.top) }; })()");
  if (!v.is_object()) co_return std::nullopt;
  co_return cdp::point{v.value("x", 0.0), v.value("y", 0.0)};
}

}  // namespace footfall::engine
