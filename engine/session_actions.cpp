// The mid-page actions of a visitor. Each asks the page once for a target (actionability checks
// and hit-testing happen inside that one Runtime.evaluate), moves the real mouse along a human
// path, dispatches the real input and records what was hit.
#include <spdlog/spdlog.h>

#include "cdp/input.hpp"
#include "engine/human_actions.hpp"
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

/// A single key's hold, paced, from the session's typing profile (typing_model.hpp).
double key_hold(visitor& v) {
  const auto p = profile_for(persona_of(v).skill);
  return paced(v.r.lognormal(p.hold_median_ms, p.hold_sigma), v.env->pace);
}

/// pick(kind) with the click-placement model's point in the element (human_input.hpp).
std::string pick_call(const char* kind, rng& r, point* fraction = nullptr) {
  const double u1 = r.uniform();
  const point f = click_fraction(r);
  if (fraction) *fraction = f;
  return std::string("pick('") + kind + "'," + num(u1) + "," + num(f.x) + "," + num(f.y) + ")";
}

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
  co_await play_path(page, mouse_path({m.x, m.y}, {x, y}, width, env->pace, r));
}

asio::awaitable<void> visitor::click_at(double x, double y, double width, cdp::mouse_button button,
                                        int count) {
  co_await human_click(*this, x, y, width, {0.5, 0.5}, button, count);
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
  // One scroll action per gesture (its notches are input events, not actions of their own):
  // input_value holds the total delta, duration_ms the gesture's length, input_timing the
  // device and every wheel delta.
  const auto gesture_at = sys_clock::now();
  const auto gesture_t0 = steady::now();
  const auto timing = co_await human_scroll(*this, 0, total);
  double sent = 0;
  for (const auto& d : timing["deltas"]) sent += d.get<double>();
  json pos{{"x", static_cast<int>(page.mouse().position.x)},
           {"y", static_cast<int>(page.mouse().position.y)}};
  auto& a = record(action_type::scroll, &pos, gesture_at, gesture_t0);
  a.input_value = std::to_string(static_cast<int>(sent));
  a.input_timing = timing.dump();
  (void)at;
  (void)t0;
}

asio::awaitable<bool> visitor::do_click(action_type t) {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  point fraction;
  const json target = co_await call_in_view(*this, pick_call("click", r, &fraction));
  if (!usable(target)) co_return false;
  note_scroll_into_view(target, at, t0);
  const double x = target["x"].get<double>(), y = target["y"].get<double>(),
               w = target.value("w", 20);
  const bool dismiss = target.value("dismiss", false);
  if (dismiss) fraction = {0.5, 0.5};  // the page aims at a close button's centre
  json timing;
  if (t == action_type::right_click && !dismiss) {
    timing = co_await human_click(*this, x, y, w, fraction, cdp::mouse_button::right, 1);
  } else if (t == action_type::double_click && !dismiss) {
    timing = co_await human_click(*this, x, y, w, fraction, cdp::mouse_button::left, 2);
  } else {
    timing = co_await human_click(*this, x, y, w, fraction, cdp::mouse_button::left, 1);
    t = action_type::click;
  }
  record(t, &target, at, t0).input_timing = timing.dump();
  co_return true;
}

asio::awaitable<bool> visitor::do_hover() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call_in_view(*this, pick_call("hover", r));
  if (!usable(target)) co_return false;
  note_scroll_into_view(target, at, t0);
  co_await move_to(target["x"].get<double>(), target["y"].get<double>(), target.value("w", 20));
  const bool dismiss = target.value("dismiss", false);
  json timing;
  if (dismiss)
    timing = co_await human_click(*this, target["x"].get<double>(), target["y"].get<double>(), 20,
                                  {0.5, 0.5}, cdp::mouse_button::left, 1);
  auto& a = record(dismiss ? action_type::click : action_type::hover, &target, at, t0);
  if (dismiss) a.input_timing = timing.dump();
  co_await pause(r.lognormal(400, 0.5));  // lingering is what makes it a hover
  co_return true;
}

/// Clicks a field to focus it; records the click. Returns the target, or null when none fits.
static asio::awaitable<json> focus_field(visitor& v, const char* kind) {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  point fraction;
  const json target = co_await call_in_view(v, pick_call(kind, v.r, &fraction));
  if (!usable(target)) co_return json();
  v.note_scroll_into_view(target, at, t0);
  if (target.value("dismiss", false)) fraction = {0.5, 0.5};
  const auto timing =
      co_await human_click(v, target["x"].get<double>(), target["y"].get<double>(),
                           target.value("w", 20), fraction, cdp::mouse_button::left, 1);
  v.record(action_type::click, &target, at, t0).input_timing = timing.dump();
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
  // Every key at its own planned time (engine/typing_model.hpp), rows per run as before.
  co_await human_type(*this, target, text, secret);
  co_return true;
}

asio::awaitable<bool> visitor::do_clear() {
  const json target = co_await focus_field(*this, "clear");
  if (target.is_null()) co_return false;
  if (target.value("dismiss", false)) co_return true;
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  // Ctrl+A, Backspace, each key held as a person holds it (hold 0 only at pace 0).
  const auto ms = [](double v) { return std::chrono::milliseconds(static_cast<long>(v)); };
  const double h1 = key_hold(*this), h2 = key_hold(*this);
  co_await cdp::key_down(page, "Control");
  co_await pause(r.lognormal(60, 0.35));
  co_await cdp::press_key(page, "a", ms(h1));
  co_await cdp::key_up(page, "Control");
  co_await pause(r.lognormal(220, 0.3));
  co_await cdp::press_key(page, "Backspace", ms(h2));
  auto& a = record(action_type::clear, &target, at, t0);
  a.input_value = "";
  a.input_timing = json{{"holds", {std::lround(h1), std::lround(h2)}}}.dump();
  co_return true;
}

asio::awaitable<bool> visitor::do_select() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call_in_view(*this, pick_call("select", r));
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
    const double hold = key_hold(*this);
    co_await cdp::press_key(page, key, std::chrono::milliseconds(static_cast<long>(hold)));
    auto& k = record(action_type::key_press, &target, key_at, key_t0);
    k.input_value = key;
    k.input_timing = json{{"holds", {std::lround(hold)}}}.dump();
  }
  auto& a = record(action_type::select, &target, at, t0);
  a.input_value = options[static_cast<std::size_t>(choice)];
  co_return true;
}

asio::awaitable<bool> visitor::do_drag() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  const json target = co_await call_in_view(*this, pick_call("drag", r));
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
  const double hold = key_hold(*this);
  co_await cdp::press_key(page, key, std::chrono::milliseconds(static_cast<long>(hold)));
  scroll_pending = true;  // PageDown, End, arrows may scroll
  auto& a = record(action_type::key_press, &active, at, t0);
  a.input_value = key;
  a.input_timing = json{{"holds", {std::lround(hold)}}}.dump();
}

asio::awaitable<bool> visitor::do_scroll_to_element() {
  const auto at = sys_clock::now();
  const auto t0 = steady::now();
  json target = co_await call("pick('scroll_to'," + num(r.uniform()) + ",0,0)");
  // Already in view: nothing to scroll to, so the visitor reads on (do_scroll) instead.
  if (!target.is_object() || !target.contains("scroll_by")) co_return false;
  // Brought into view by wheel input, never by an instant jump.
  const auto timing = co_await human_scroll(*this, target["scroll_by"][0].get<double>(),
                                            target["scroll_by"][1].get<double>());
  record(action_type::scroll_to_element, &target, at, t0).input_timing = timing.dump();
  co_return true;
}

}  // namespace footfall::engine
