// The mid-page actions of a visitor. Each asks the page once for a target (actionability checks
// and hit-testing happen inside that one Runtime.evaluate), moves the real mouse along a human
// path, dispatches the real input and records what was hit.
#include <spdlog/spdlog.h>

#include "cdp/input.hpp"
#include "engine/human_input.hpp"
#include "engine/pipeline.hpp"
#include "engine/visitor.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using storage::action_type;
using sys_clock = std::chrono::system_clock;

namespace {

std::string num(double v) { return std::to_string(v); }

bool usable(const json& t) { return t.is_object() && !t.contains("none") && t.contains("x"); }

}  // namespace

std::string text_for_field(const std::string& type, const std::string& name, rng& r) {
  static const std::vector<std::string> words{"quick",  "guide",  "pricing", "shoes",   "weather",
                                              "recipe", "garden", "laptop",  "holiday", "books"};
  const auto word = [&] {
    return words[static_cast<std::size_t>(r.between(0, static_cast<int>(words.size()) - 1))];
  };
  if (type == "email" || name.find("mail") != std::string::npos)
    return "visitor" + std::to_string(r.between(1, 999)) + "@example.com";
  if (type == "password") return "Pa55word" + std::to_string(r.between(10, 99));
  if (name.find("card") != std::string::npos) return "4111 1111 1111 1111";
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

asio::awaitable<void> visitor::move_to(double x, double y, double width) {
  const auto& m = page.mouse().position;
  const auto path = mouse_path({m.x, m.y}, {x, y}, width, env->pace, r);
  std::vector<cdp::point> pts;
  double total = 0;
  for (const auto& s : path) {
    pts.push_back({s.at.x, s.at.y});
    total += s.delay_ms;
  }
  const auto step =
      std::chrono::milliseconds(static_cast<long>(pts.empty() ? 0 : total / pts.size()));
  co_await cdp::mouse_move_path(page, std::move(pts), step);
}

asio::awaitable<void> visitor::click_at(double x, double y, double width, cdp::mouse_button button,
                                        int count) {
  if (fast()) {
    co_await fast_click(page, {x, y}, button, count);
    co_return;
  }
  co_await move_to(x, y, width);
  co_await pause(r.lognormal(80, 0.3));  // aim, then press
  for (int n = 1; n <= count; ++n) {
    co_await cdp::mouse_down(page, button, n);
    co_await pause(r.lognormal(60, 0.3));
    co_await cdp::mouse_up(page, button, n);
    if (n < count) co_await pause(r.lognormal(90, 0.3));
  }
}

void visitor::note_scroll_into_view(const json& target, sys_clock::time_point at,
                                    steady::time_point t0) {
  if (target.is_object() && target.value("scrolled", false) && target.contains("selector"))
    record(action_type::scroll_to_element, &target, at, t0);
}

asio::awaitable<void> visitor::perform(action_type t) {
  if (env->slow_mo_ms > 0) co_await pause(0);
  bool done = true;
  try {
    switch (t) {
      case action_type::click:
      case action_type::double_click:
      case action_type::right_click:
        done = co_await do_click(t);
        break;
      case action_type::hover:
        done = co_await do_hover();
        break;
      case action_type::type:
        done = co_await do_type();
        break;
      case action_type::clear:
        done = co_await do_clear();
        break;
      case action_type::select:
        done = co_await do_select();
        break;
      case action_type::drag_and_drop:
        done = co_await do_drag();
        break;
      case action_type::key_press:
        co_await do_key_press();
        break;
      case action_type::scroll_to_element:
        done = co_await do_scroll_to_element();
        break;
      default:
        done = false;
        break;
    }
  } catch (const cdp::javascript_error& e) {
    // The document changed under us (navigation, page script); the session goes on.
    spdlog::debug("session {}: {} skipped: {}", row.id.str(), storage::to_string(t), e.what());
    done = true;
  }
  // Nothing of that kind on this page: the visitor reads on instead.
  if (!done) co_await do_scroll();
}

asio::awaitable<void> visitor::do_scroll() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json st = co_await call("pick('scroll',0,0,0)");
  const int height = st.value("height", 0), y = st.value("scrollY", 0), vh = st.value("vh", 0);
  const bool at_bottom = y + vh >= height - 2;
  const bool at_top = y <= 0;
  const double dir = at_bottom ? -1 : (at_top ? 1 : (r.chance(0.85) ? 1 : -1));
  const double total = dir * r.between(300, 1200);
  // At pace 0 one wheel event per scroll: back-to-back notches would be coalesced by Blink into
  // one DOM event anyway (so at pace 0 each scroll row is exactly one wheel event the page sees).
  auto steps = wheel_steps(total, env->pace, r);
  if (env->pace <= 0) steps = {{total, 0}};
  const auto& m = page.mouse().position;
  if (m.x <= 0 && m.y <= 0) {
    // The pointer starts at the corner; a reader's hand rests over the content.
    co_await move_to(vh > 0 ? 400 : 100, vh > 0 ? vh / 2.0 : 100, 200);
  }
  // One scroll action per gesture (its notches are input events, not actions of their own):
  // input_value holds the total delta, duration_ms the gesture's length.
  const auto gesture_at = sys_clock::now();
  const auto gesture_t0 = steady::now();
  for (const auto& s : steps) {
    if (s.delay_ms > 0)
      co_await cdp::sleep_for(std::chrono::milliseconds(static_cast<long>(s.delay_ms)));
    co_await cdp::wheel(page, 0, s.delta_y);
    scroll_pending = true;
  }
  json pos{{"x", static_cast<int>(page.mouse().position.x)},
           {"y", static_cast<int>(page.mouse().position.y)}};
  auto& a = record(action_type::scroll, &pos, gesture_at, gesture_t0);
  a.input_value = std::to_string(static_cast<int>(total));
  (void)at;
  (void)t0;
}

asio::awaitable<bool> visitor::do_click(action_type t) {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call("pick('click'," + num(r.uniform()) + "," + num(r.uniform()) +
                                    "," + num(r.uniform()) + ")");
  if (!usable(target)) co_return false;
  note_scroll_into_view(target, at, t0);
  const double x = target["x"].get<double>(), y = target["y"].get<double>(),
               w = target.value("w", 20);
  const bool dismiss = target.value("dismiss", false);
  cdp::navigation_watch watch(page);
  if (t == action_type::right_click && !dismiss) {
    co_await click_at(x, y, w, cdp::mouse_button::right, 1);
  } else if (t == action_type::double_click && !dismiss) {
    co_await click_at(x, y, w, cdp::mouse_button::left, 2);
  } else {
    co_await click_at(x, y, w);
    t = action_type::click;
  }
  record(t, &target, at, t0);
  const auto out = co_await settle_click(std::move(watch), actions.size() - 1);
  // An SPA route keeps the document: its counters close the old visit.
  json stats = json::object();
  if (out.kind == cdp::navigation_kind::same_document) stats = co_await call("stats()");
  co_await follow_click(out, stats);
  co_return true;
}

asio::awaitable<bool> visitor::do_hover() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call("pick('hover'," + num(r.uniform()) + "," + num(r.uniform()) +
                                    "," + num(r.uniform()) + ")");
  if (!usable(target)) co_return false;
  note_scroll_into_view(target, at, t0);
  co_await move_to(target["x"].get<double>(), target["y"].get<double>(), target.value("w", 20));
  const bool dismiss = target.value("dismiss", false);
  if (dismiss) co_await click_at(target["x"].get<double>(), target["y"].get<double>(), 20);
  record(dismiss ? action_type::click : action_type::hover, &target, at, t0);
  co_await pause(r.lognormal(400, 0.5));  // lingering is what makes it a hover
  co_return true;
}

/// Clicks a field to focus it; records the click. Returns the target, or null when none fits.
static asio::awaitable<json> focus_field(visitor& v, const char* kind) {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await v.call(std::string("pick('") + kind + "'," + num(v.r.uniform()) +
                                      "," + num(v.r.uniform()) + "," + num(v.r.uniform()) + ")");
  if (!usable(target)) co_return json();
  v.note_scroll_into_view(target, at, t0);
  co_await v.click_at(target["x"].get<double>(), target["y"].get<double>(), target.value("w", 20));
  v.record(action_type::click, &target, at, t0);
  co_return target;
}

asio::awaitable<bool> visitor::do_type() {
  const json target = co_await focus_field(*this, "type");
  if (target.is_null()) co_return false;
  if (target.value("dismiss", false)) co_return true;
  const std::string type = target.value("type", ""), name = target.value("name", "");
  const std::string text = text_for_field(type, name, r);
  const bool secret = must_redact(type, name, target.value("autocomplete", ""), text);
  co_await pause(r.lognormal(300, 0.4));
  const auto strokes = typing_plan(text, env->pace, r);
  // Runs of plain keys become one `type` row each; a typo's Backspace is a `key_press` row, so
  // the rows account for every key the page saw.
  std::size_t i = 0;
  while (i < strokes.size()) {
    const auto at = sys_clock::now();
    const auto t0 = steady::now();
    if (strokes[i].backspace) {
      if (strokes[i].delay_ms > 0)
        co_await cdp::sleep_for(std::chrono::milliseconds(static_cast<long>(strokes[i].delay_ms)));
      co_await cdp::press_key(page, "Backspace");
      auto& a = record(action_type::key_press, &target, at, t0);
      a.input_value = "Backspace";
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
    const auto per_key =
        std::chrono::milliseconds(static_cast<long>(delay / static_cast<double>(j - i)));
    if (fast())
      co_await fast_type(page, run);
    else
      co_await cdp::type_text(page, run, per_key);
    auto& a = record(action_type::type, &target, at, t0);
    a.input_value = secret || must_redact(type, name, target.value("autocomplete", ""), run)
                        ? std::string(redacted_value)
                        : run;
    i = j;
  }
  co_return true;
}

asio::awaitable<bool> visitor::do_clear() {
  const json target = co_await focus_field(*this, "clear");
  if (target.is_null()) co_return false;
  if (target.value("dismiss", false)) co_return true;
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  co_await cdp::key_down(page, "Control");
  co_await cdp::press_key(page, "a");
  co_await cdp::key_up(page, "Control");
  co_await cdp::press_key(page, "Backspace");
  auto& a = record(action_type::clear, &target, at, t0);
  a.input_value = "";
  co_return true;
}

asio::awaitable<bool> visitor::do_select() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call("pick('select'," + num(r.uniform()) + "," + num(r.uniform()) +
                                    "," + num(r.uniform()) + ")");
  if (!usable(target) || target.value("dismiss", false) || !target.contains("options"))
    co_return false;
  const auto options = target["options"].get<std::vector<std::string>>();
  const int current = target.value("selected", 0);
  int choice = r.between(0, static_cast<int>(options.size()) - 2);
  if (choice >= current) ++choice;  // a different option than the one shown
  note_scroll_into_view(target, at, t0);
  co_await move_to(target["x"].get<double>(), target["y"].get<double>(), target.value("w", 20));
  // The picker focused the select; each arrow key is its own key_press row, so the rows
  // account for every key the page saw, and the select row holds the outcome.
  const std::string key = choice > current ? "ArrowDown" : "ArrowUp";
  for (int n = 0; n < std::abs(choice - current); ++n) {
    const auto key_at = sys_clock::now();
    const auto key_t0 = steady::now();
    co_await pause(r.lognormal(150, 0.3));
    co_await cdp::press_key(page, key);
    auto& k = record(action_type::key_press, &target, key_at, key_t0);
    k.input_value = key;
  }
  auto& a = record(action_type::select, &target, at, t0);
  a.input_value = options[static_cast<std::size_t>(choice)];
  co_return true;
}

asio::awaitable<bool> visitor::do_drag() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call("pick('drag'," + num(r.uniform()) + "," + num(r.uniform()) +
                                    "," + num(r.uniform()) + ")");
  if (!usable(target) || target.value("dismiss", false) || !target["to"].is_array())
    co_return false;
  note_scroll_into_view(target, at, t0);
  const double x = target["x"].get<double>(), y = target["y"].get<double>();
  co_await move_to(x, y, target.value("w", 20));
  const cdp::point to{target["to"][0].get<double>(), target["to"][1].get<double>()};
  cdp::drag_options o;
  o.steps = env->pace > 0 ? 12 : 3;
  o.step_delay = std::chrono::milliseconds(static_cast<long>(paced(25, env->pace)));
  co_await cdp::drag(page, {x, y}, to, o);
  auto& a = record(action_type::drag_and_drop, &target, at, t0);
  a.input_value = target.value("toSelector", "");
  co_return true;
}

asio::awaitable<void> visitor::do_key_press() {
  static const std::vector<std::string> keys{"Tab",      "ArrowDown", "ArrowUp",
                                             "PageDown", "Home",      "End"};
  static const std::vector<double> weights{3, 3, 1, 2, 0.5, 0.5};
  const auto& key = keys[r.weighted(weights)];
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  // Record where the key goes (the focused element), as the page will see it.
  const json active = co_await call("active()");
  co_await cdp::press_key(
      page, key,
      std::chrono::milliseconds(static_cast<long>(paced(r.lognormal(70, 0.3), env->pace))));
  scroll_pending = true;  // PageDown, End, arrows may scroll
  auto& a = record(action_type::key_press, &active, at, t0);
  a.input_value = key;
}

asio::awaitable<bool> visitor::do_scroll_to_element() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call("pick('scroll_to'," + num(r.uniform()) + ",0,0)");
  if (!usable(target)) co_return false;
  record(action_type::scroll_to_element, &target, at, t0);
  co_return true;
}

}  // namespace footfall::engine
