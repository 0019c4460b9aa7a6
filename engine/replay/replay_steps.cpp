// The steps of a replay, one per recorded action type: find the element the recorded selector
// names, check it against the recorded point and text, and send the same input through the
// shared actions (engine/journey/actions.hpp) — press() for clicks, move_to() for hovers, wheel() for
// scrolls — so a replay's input is exactly as real as a run's.
#include <spdlog/spdlog.h>

#include <cmath>

#include "cdp/errors.hpp"
#include "cdp/input.hpp"
#include "cdp/input_burst.hpp"
#include "engine/journey/click_outcome.hpp"
#include "engine/persona/links.hpp"
#include "engine/replay/replay_internal.hpp"

namespace footfall::engine::detail {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using storage::action_type;

void diverge(step_result* res, divergence_kind kind, std::string detail) {
  res->matched = false;
  res->kind = kind;
  res->detail = std::move(detail);
}

namespace {

std::string comparable_url(const std::string& url) { return strip_credentials(url).substr(0, 500); }

std::string fmt_point(cdp::point p) {
  return "(" + std::to_string(std::lround(p.x)) + "," + std::to_string(std::lround(p.y)) + ")";
}

/// The element `st` names, checked against the recorded point and text; nullopt (and `res`
/// diverged) when it is missing or not the recorded one. Its `at` is the recorded point (moved
/// into the box when it lay within the tolerance outside it).
asio::awaitable<std::optional<element_target>> locate(replayer* s, std::string selector,
                                                      const storage::action_row& a,
                                                      step_result* res) {
  auto t = co_await s->agent->target(selector, 0.5, 0.5);
  if (!t) {
    diverge(res, divergence_kind::element_missing,
            "no visible, enabled element matches " + selector);
    co_return std::nullopt;
  }
  if (t->selector != selector) {
    // The script offers an overlay's close button when something covers the element.
    diverge(res, divergence_kind::different_element, selector + " is covered by " + t->selector);
    co_return std::nullopt;
  }
  const replay_box box{t->at.x - t->width / 2, t->at.y - t->height / 2, t->width, t->height};
  if (a.x && a.y) {
    const cdp::point rec{static_cast<double>(*a.x), static_cast<double>(*a.y)};
    if (!point_in_box(rec, box, s->o.tolerance_px)) {
      diverge(res, divergence_kind::different_element,
              "recorded point " + fmt_point(rec) + " is outside " + selector + " now (box at " +
                  fmt_point({box.left, box.top}) + " " + std::to_string(std::lround(box.width)) +
                  "x" + std::to_string(std::lround(box.height)) + ")");
      co_return std::nullopt;
    }
    t->at = clamp_into(rec, box);
    t->aim = {box.width > 0 ? (t->at.x - box.left) / box.width : 0.5,
              box.height > 0 ? (t->at.y - box.top) / box.height : 0.5};
  }
  const auto text = a.element_text.value_or("");
  if (!text.empty() && t->text != text) {
    diverge(res, divergence_kind::different_element,
            selector + " reads '" + t->text + "', recorded '" + text + "'");
    co_return std::nullopt;
  }
  co_return t;
}

/// Clicks (left, double, right) and what they led to.
asio::awaitable<bool> replay_click(replayer* s, replay_step st, step_result* res) {
  const auto& a = st.action;
  const action_clock clock;
  const auto t = co_await locate(s, a.element_selector.value_or(""), a, res);
  // A click that led to the next page cannot be skipped: the rest would run on the wrong page.
  if (!t) co_return st.next_url.has_value();
  auto button = cdp::mouse_button::left;
  int count = 1;
  if (a.type == action_type::right_click) button = cdp::mouse_button::right;
  if (a.type == action_type::double_click) count = 2;
  auto c = s->context();
  cdp::navigation_watch watch(s->page);
  const auto hit = co_await press(c, *t, button, count);
  s->recorder.record(a.type, &hit, clock);
  if (hit.selector != t->selector)
    diverge(res, divergence_kind::different_element,
            "the press at " + fmt_point(hit.at) + " hit " +
                (hit.selector.empty() ? std::string("nothing") : hit.selector) + ", recorded " +
                t->selector);
  c.navigation_timeout = s->o.navigation_timeout;
  // A click that navigated when recorded is given the time to do so again.
  const bool navigated = a.navigation_kind && *a.navigation_kind != "none";
  const auto out = co_await settle_click(c, std::move(watch), navigated);
  const std::string kind(cdp::to_string(out.kind));
  if (a.navigation_kind && *a.navigation_kind != kind) {
    const auto now = comparable_url(co_await s->page.url());
    if (res->matched)
      diverge(res, divergence_kind::different_url,
              "the click led to " + kind + " (now at " + now + "), recorded " + *a.navigation_kind +
                  (st.next_url ? " to " + *st.next_url : std::string()));
    co_return true;
  }
  if (out.kind == cdp::navigation_kind::same_document ||
      (out.kind == cdp::navigation_kind::cross_document && out.committed)) {
    co_await follow_outcome(c, out, nullptr);
    ++s->arrived_visit;  // the tab is on the next visit of the journey
    const auto now = comparable_url(co_await s->page.url());
    if (st.next_url && now != *st.next_url) {
      if (res->matched)
        diverge(res, divergence_kind::different_url,
                "the click led to " + now + ", recorded " + *st.next_url);
      co_return true;
    }
  }
  co_return false;
}

/// The tab must be on the visit's page: the first one is opened, later ones were reached by a
/// click (arrived already) or by a navigation the page made itself (waited for here).
asio::awaitable<bool> replay_page_load(replayer* s, replay_step st, step_result* res) {
  if (s->arrived_visit == st.visit_order) co_return false;
  auto c = s->context();
  if (s->arrived_visit == 0) {
    co_await open_page(c, st.page_url, s->o.navigation_timeout);
  } else {
    const auto until = std::chrono::steady_clock::now() + s->o.navigation_timeout;
    while (std::chrono::steady_clock::now() < until) {
      try {
        if (comparable_url(co_await s->page.url()) == st.page_url) break;
      } catch (const cdp::javascript_error&) {
        // The document is being replaced: ask again.
      }
      co_await cdp::sleep_for(milliseconds(100));
    }
    try {
      co_await s->agent->loaded();
    } catch (const cdp::timeout_error&) {
      spdlog::info("replay: page did not finish loading; replaying on it as it is");
    }
    s->recorder.leave(nullptr);
    s->recorder.arrive(co_await s->agent->arrive(), 0);
  }
  s->arrived_visit = st.visit_order;
  const auto now = comparable_url(co_await s->page.url());
  if (now != st.page_url) {
    diverge(res, divergence_kind::different_url,
            "the tab is at " + now + ", recorded " + st.page_url);
    co_return true;
  }
  co_return false;
}

asio::awaitable<void> replay_type(replayer* s, replay_step st, step_result* res) {
  const auto& a = st.action;
  const action_clock clock;
  const auto focused = co_await s->agent->active();
  const auto want = a.element_selector.value_or("");
  if (!want.empty() && focused.selector != want) {
    diverge(res, divergence_kind::different_element,
            "keys would go to " +
                (focused.selector.empty() ? std::string("nothing") : focused.selector) +
                ", recorded " + want);
    co_return;
  }
  std::string text = a.input_value.value_or("");
  if (text == redacted_value) {
    text = std::string(replay_placeholder);
    res->placeholder = true;
    res->detail = "the database holds this value redacted: typed a placeholder";
  }
  // The recorded key gaps' mean, scaled; per-key holds are not replayed (cdp::type_text).
  double gap = 0;
  if (a.input_timing) {
    const auto j = nlohmann::json::parse(*a.input_timing, nullptr, false);
    if (j.is_object() && j.contains("gaps") && j["gaps"].is_array() && !j["gaps"].empty()) {
      for (const auto& g : j["gaps"]) gap += g.is_number() ? g.get<double>() : 0;
      gap /= static_cast<double>(j["gaps"].size());
    }
  }
  gap = s->o.speed > 0 ? gap / s->o.speed : 0;
  if (gap < 1 && s->o.slow_mo_ms == 0)
    co_await cdp::burst_type(s->page, text);
  else
    co_await cdp::type_text(s->page, text, milliseconds(static_cast<long>(gap) + s->o.slow_mo_ms));
  element_target field;
  field.selector = want;
  s->recorder.record(a.type, &field, clock, text);
}

/// A key's recorded hold, scaled.
milliseconds recorded_hold(const replayer* s, const storage::action_row& a) {
  if (!a.input_timing || s->o.speed <= 0) return milliseconds(0);
  const auto j = nlohmann::json::parse(*a.input_timing, nullptr, false);
  if (!j.is_object() || !j.contains("holds") || !j["holds"].is_array() || j["holds"].empty() ||
      !j["holds"][0].is_number())
    return milliseconds(0);
  return milliseconds(static_cast<long>(j["holds"][0].get<double>() / s->o.speed));
}

/// Keys go to the focused element. The recording's <select> picker focused its select the way a
/// Tab would (page_script.cpp pick 'select'), without input of its own; replay does the same for
/// a key whose recorded target is not focused now. Plain CSS selectors only (no frame or shadow
/// hops); anything else, or an element that is gone, is a divergence.
asio::awaitable<void> focus_for_keys(replayer* s, const std::string& want, step_result* res) {
  if (want.empty() || (co_await s->agent->active()).selector == want) co_return;
  bool focused = false;
  if (want.find(">>") == std::string::npos) {
    const auto v = co_await s->page.evaluate(
        "(() => { const e = document.querySelector(" + nlohmann::json(want).dump() +
        "); if (!e) return false; e.focus({ preventScroll: true });"
        " return document.activeElement === e; })()");
    focused = v.is_boolean() && v.get<bool>();
  }
  if (!focused)
    diverge(res, divergence_kind::element_missing, "cannot focus " + want + " for the key");
}

asio::awaitable<void> replay_keys(replayer* s, replay_step st, step_result* res) {
  const auto& a = st.action;
  const auto hold = recorded_hold(s, a);
  co_await focus_for_keys(s, a.element_selector.value_or(""), res);
  if (!res->matched) co_return;
  if (a.type == action_type::clear) {
    co_await cdp::key_down(s->page, "Control");
    co_await cdp::press_key(s->page, "a", hold);
    co_await cdp::key_up(s->page, "Control");
    co_await cdp::press_key(s->page, "Backspace", hold);
  } else {
    co_await cdp::press_key(s->page, a.input_value.value_or("Tab"), hold);
  }
  s->agent->input_pending();  // PageDown, End, arrows may scroll
}

asio::awaitable<void> replay_scroll(replayer* s, replay_step st) {
  const auto& a = st.action;
  auto c = s->context();
  if (a.x && a.y) {
    const cdp::point at{static_cast<double>(*a.x), static_cast<double>(*a.y)};
    if (!(s->page.mouse().position == at)) co_await move_to(c, at, 200);
  }
  // The device's recorded notches (input_timing.deltas), spread over the recorded gesture's
  // length: the page sees as many wheel events with the same deltas. Rows without them (older
  // recordings) get one gesture of the total through the shared wheel action.
  std::vector<double> deltas;
  if (a.input_timing) {
    const auto j = nlohmann::json::parse(*a.input_timing, nullptr, false);
    if (j.is_object() && j.contains("deltas") && j["deltas"].is_array())
      for (const auto& d : j["deltas"])
        if (d.is_number()) deltas.push_back(d.get<double>());
  }
  if (!deltas.empty()) {
    const double each = deltas.size() > 1 && s->o.speed > 0
                            ? a.duration_ms / s->o.speed / static_cast<double>(deltas.size() - 1)
                            : 0;
    for (std::size_t i = 0; i < deltas.size(); ++i) {
      if (i > 0 && each >= 1) co_await cdp::sleep_for(milliseconds(static_cast<long>(each)));
      co_await cdp::wheel(s->page, 0, deltas[i]);
    }
    s->agent->input_pending();
    co_return;
  }
  int delta = 0;
  try {
    delta = std::stoi(a.input_value.value_or("0"));
  } catch (const std::exception&) {
    delta = 0;
  }
  if (delta != 0) co_await wheel(c, delta);
}

/// A scroll_to_element row is the wheel gesture that brought its element into view (the page
/// script never scrolls: actions' reveal()): x/y where the wheel was, input_timing its deltas.
/// The element must still exist; where it sits before the wheel is not checked (it was out of
/// view), the press or hover that follows checks it against its own recorded point.
asio::awaitable<void> replay_reveal(replayer* s, replay_step st, step_result* res) {
  const auto& a = st.action;
  const bool wheeled = a.input_timing && a.input_timing->find("deltas") != std::string::npos;
  if (!wheeled) {  // recorded before reveal() wheeled: the element was all there was to check
    co_await locate(s, a.element_selector.value_or(""), a, res);
    co_return;
  }
  const auto selector = a.element_selector.value_or("");
  const auto there = co_await s->agent->target(selector, 0.5, 0.5);
  if (!there) {
    diverge(res, divergence_kind::element_missing,
            "no visible, enabled element matches " + selector);
    co_return;
  }
  co_await replay_scroll(s, st);
}

asio::awaitable<void> replay_drag(replayer* s, replay_step st, step_result* res) {
  const auto& a = st.action;
  const auto from = co_await locate(s, a.element_selector.value_or(""), a, res);
  if (!from) co_return;
  const auto drop_sel = a.input_value.value_or("");
  const auto to = co_await s->agent->target(drop_sel, 0.5, 0.5);
  if (!to) {
    diverge(res, divergence_kind::element_missing, "no drop target matches " + drop_sel);
    co_return;
  }
  auto c = s->context();
  co_await move_to(c, from->at, from->width);
  cdp::drag_options o;
  o.steps = 12;
  o.step_delay = milliseconds(static_cast<long>(25 / std::max(s->o.speed, 0.01)));
  co_await cdp::drag(s->page, from->at, to->at, o);
}

}  // namespace

asio::awaitable<bool> perform_step(replayer* s, replay_step st, step_result* res) {
  const auto& a = st.action;
  switch (a.type) {
    case action_type::page_load:
      co_return co_await replay_page_load(s, st, res);
    case action_type::page_unload:
      co_return false;
    case action_type::click:
    case action_type::double_click:
    case action_type::right_click:
      co_return co_await replay_click(s, st, res);
    case action_type::hover: {
      const auto t = co_await locate(s, a.element_selector.value_or(""), a, res);
      if (t) co_await move_to(s->context(), t->at, t->width);
      co_return false;
    }
    case action_type::scroll_to_element:
      co_await replay_reveal(s, st, res);
      co_return false;
    case action_type::select:
      // A select's choice was made by the key_press rows before it.
      co_await locate(s, a.element_selector.value_or(""), a, res);
      co_return false;
    case action_type::type:
      co_await replay_type(s, st, res);
      co_return false;
    case action_type::key_press:
    case action_type::clear:
      co_await replay_keys(s, st, res);
      co_return false;
    case action_type::scroll:
      co_await replay_scroll(s, st);
      co_return false;
    case action_type::drag_and_drop:
      co_await replay_drag(s, st, res);
      co_return false;
  }
  co_return false;
}

}  // namespace footfall::engine::detail
