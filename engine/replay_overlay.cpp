#include "engine/replay_overlay.hpp"

#include <chrono>

namespace footfall::engine {

namespace {

// Runs at document start, before the page's scripts; <body> may not exist yet, so the element is
// added when it does. Appended last, so the page's own :nth-of-type selectors are unchanged.
constexpr const char* overlay_script = R"JS((() => {
  if (window.__footfallCursorInstalled) return;
  window.__footfallCursorInstalled = true;
  const ID = '__footfall_cursor';
  let el = null, last = null;
  const place = () => {
    if (!el || !last) return;
    el.style.display = 'block';
    el.style.left = last.x + 'px';
    el.style.top = last.y + 'px';
  };
  const ensure = () => {
    if (el && el.isConnected) return;
    if (!document.body) return;
    el = document.createElement('div');
    el.id = ID;
    el.setAttribute('aria-hidden', 'true');
    el.style.cssText = 'position:fixed;left:0;top:0;width:18px;height:18px;margin:-11px 0 0 -11px;' +
      'border:2px solid #d0021b;border-radius:50%;background:rgba(208,2,27,.25);' +
      'box-shadow:0 0 0 1px #fff;pointer-events:none;z-index:2147483647;display:none;' +
      'transition:none;box-sizing:content-box';
    document.body.appendChild(el);
    place();
  };
  // A new document has not seen the pointer yet: the engine says where it is (after arrival).
  window.__footfallCursorAt = (x, y) => { last = { x, y }; ensure(); place(); };
  addEventListener('mousemove', (e) => { last = { x: e.clientX, y: e.clientY }; ensure(); place(); },
                   true);
  addEventListener('mousedown', () => {
    ensure();
    if (el) el.style.background = 'rgba(208,2,27,.8)';
  }, true);
  addEventListener('mouseup', () => { if (el) el.style.background = 'rgba(208,2,27,.25)'; }, true);
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', ensure);
  else
    ensure();
})();)JS";

}  // namespace

boost::asio::awaitable<void> install_cursor_overlay(cdp::page p) {
  nlohmann::json params{{"source", overlay_script}};
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
