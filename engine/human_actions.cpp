// The human models as session actions (see human_actions.hpp). Times are paced by the session's
// --pace; at pace 0 the pipelined fast path sends the same input without human delays.
#include "engine/human_actions.hpp"

#include <algorithm>
#include <cmath>

#include "cdp/input.hpp"
#include "engine/links.hpp"
#include "engine/pipeline.hpp"
#include "engine/visitor.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using storage::action_type;
using sys_clock = std::chrono::system_clock;

namespace {

asio::awaitable<void> sleep_ms(double ms) {
  if (ms >= 1) co_await cdp::sleep_for(std::chrono::milliseconds(static_cast<long>(ms)));
}

double ms_since(steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

/// A wheel scrolls what is under the pointer: a reader's hand rests over the content, not in
/// the corner where the pointer starts.
asio::awaitable<void> rest_pointer(visitor& v) {
  const auto& m = v.page.mouse().position;
  if (m.x > 0 || m.y > 0) co_return;
  const double x = std::min(400.0, v.row.viewport_width / 3.0), y = v.row.viewport_height / 2.0;
  if (v.fast()) {
    co_await cdp::mouse_move(v.page, {x, y}, 1);
    co_return;
  }
  co_await play_path(v.page, mouse_path({0, 0}, {x, y}, 200, v.env->pace, v.r));
}

/// The keys [i, j) of a plan with times relative to the first event of the range.
std::vector<planned_key> segment(const std::vector<planned_key>& keys, std::size_t i, std::size_t j,
                                 double& first) {
  std::vector<planned_key> seg(keys.begin() + static_cast<long>(i),
                               keys.begin() + static_cast<long>(j));
  first = seg.front().shift_press ? seg.front().shift_down_ms : seg.front().down_ms;
  for (auto& k : seg) {
    k.down_ms -= first;
    k.up_ms -= first;
    k.shift_down_ms -= first;
    k.shift_up_ms -= first;
  }
  return seg;
}

}  // namespace

input_persona persona_of(const visitor& v) {
  return input_persona_for(
      v.env->settings.input_device, v.env->settings.typing_skill,
      v.env->campaign.seed * 1000003ull + static_cast<std::uint64_t>(v.row.session_index));
}

asio::awaitable<nlohmann::json> human_click(visitor& v, double x, double y, double width,
                                            point fraction, cdp::mouse_button button, int count) {
  const auto& m = v.page.mouse().position;
  const point from{m.x, m.y};
  if (v.fast()) {
    co_await fast_click(v.page, {x, y}, button, count);
    co_return click_timing_json(0, fraction, {{{x, y}, 0}}, from);
  }
  const auto path = mouse_path(from, {x, y}, width, v.env->pace, v.r);
  co_await play_path(v.page, path);
  co_await v.pause(v.r.lognormal(80, 0.3));  // aim, then press
  double first_hold = 0;
  for (int n = 1; n <= count; ++n) {
    const double hold = paced(click_hold_ms(v.r), v.env->pace);
    if (n == 1) first_hold = hold;
    // The release is scheduled from the moment the press is sent, so the press's round trip
    // (the renderer acknowledges after dispatching it) does not lengthen the hold.
    const auto pressed = steady::now();
    co_await cdp::mouse_down(v.page, button, n);
    co_await sleep_ms(hold - ms_since(pressed));
    co_await cdp::mouse_up(v.page, button, n);
    if (n < count) co_await v.pause(v.r.lognormal(90, 0.3));
  }
  co_return click_timing_json(first_hold, fraction, path, from);
}

asio::awaitable<nlohmann::json> human_scroll(visitor& v, double dx, double dy) {
  co_await rest_pointer(v);
  const auto who = persona_of(v);
  auto deltas = nlohmann::json::array();
  if (v.env->pace <= 0) {
    // One wheel event: back-to-back notches would be coalesced by Blink into one DOM event.
    co_await cdp::wheel(v.page, std::round(dx), std::round(dy));
    if (std::abs(dy) >= 0.5) deltas.push_back(std::round(dy));
    if (std::abs(dx) >= 0.5) deltas.push_back(std::round(dx));
  } else {
    for (int axis = 0; axis < 2; ++axis) {
      const double d = axis == 0 ? dy : dx;
      if (std::abs(d) < 1) continue;
      const auto steps = wheel_steps(d, who.device, v.env->pace, v.r);
      for (const auto& s : steps) deltas.push_back(s.delta_y);
      co_await play_wheel(v.page, steps, axis == 1);
    }
  }
  v.scroll_pending = true;
  co_return nlohmann::json{{"device", v.env->pace <= 0 ? "none" : to_string(who.device)},
                           {"deltas", std::move(deltas)}};
}

asio::awaitable<nlohmann::json> call_in_view(visitor& v, std::string call) {
  for (int attempt = 0;; ++attempt) {
    const auto at = sys_clock::now();
    const auto t0 = steady::now();
    nlohmann::json res = co_await v.call(call);
    const bool nested = res.is_object() && res.contains("target") && res["target"].is_object();
    nlohmann::json& t = nested ? res["target"] : res;
    if (!t.is_object() || !t.contains("scroll_by")) co_return res;
    if (attempt == 3) {
      t = nlohmann::json{{"none", true}};
      co_return res;
    }
    const auto timing =
        co_await human_scroll(v, t["scroll_by"][0].get<double>(), t["scroll_by"][1].get<double>());
    auto& a = v.record(action_type::scroll_to_element, &t, at, t0);
    a.input_timing = timing.dump();
    co_await v.pause(v.r.lognormal(250, 0.4));  // finding the target again after the scroll
  }
}

asio::awaitable<void> human_type(visitor& v, const nlohmann::json& target, std::string text,
                                 bool redact) {
  const auto keys = plan_typing(text, profile_for(persona_of(v).skill), v.env->pace, v.r);
  const auto start = steady::now();
  // A correcting Backspace is its own key_press row, so the rows account for every key the page
  // saw; each run of other keys is one `type` row. Each row keeps its keys' holds and gaps.
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i + 1;
    if (!keys[i].backspace)
      while (j < keys.size() && !keys[j].backspace) ++j;
    double first = 0;
    const auto seg = segment(keys, i, j, first);
    co_await sleep_ms(first - ms_since(start));
    const auto at = sys_clock::now();
    const auto t0 = steady::now();
    std::string run;
    for (const auto& k : seg) run += k.text;
    if (!v.fast())
      co_await cdp::play_key_events(v.page, key_events(seg));
    else if (keys[i].backspace)
      co_await cdp::press_key(v.page, "Backspace");
    else
      co_await fast_type(v.page, run);
    auto& a =
        v.record(keys[i].backspace ? action_type::key_press : action_type::type, &target, at, t0);
    const bool secret = redact || must_redact(target.value("type", ""), target.value("name", ""),
                                              target.value("autocomplete", ""), run);
    a.input_value = keys[i].backspace ? "Backspace" : secret ? std::string(redacted_value) : run;
    a.input_timing = typing_timing_json(seg).dump();
    i = j;
  }
}

}  // namespace footfall::engine
