// The page agent's out-of-process iframes: a cross-site frame is a target of its own, so its
// world is reached through its own session and its place in the page through the iframe element.
#include <spdlog/spdlog.h>

#include "engine/page_agent.hpp"
#include "engine/page_agent_internal.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using nlohmann::json;
using namespace agent_detail;

namespace agent_detail {

void watch_out_of_process_frames(std::shared_ptr<page_agent::state> st) {
  const auto s = st->main.session;
  std::weak_ptr<page_agent::state> weak = st;
  st->subscriptions.push_back(s.subscribe("Target.attachedToTarget", [weak, s](const json& p) {
    auto st = weak.lock();
    const auto& info = p.value("targetInfo", json::object());
    if (!st || info.value("type", std::string()) != "iframe") return;
    auto w = std::make_shared<frame_world>();
    w->session = cdp::session(s.conn(), cdp::session_id{p.value("sessionId", std::string())});
    w->frame_id = info.value("targetId", std::string());
    st->oopifs.push_back(std::move(w));
  }));
  st->subscriptions.push_back(s.subscribe("Target.detachedFromTarget", [weak](const json& p) {
    auto st = weak.lock();
    if (!st) return;
    const auto id = p.value("sessionId", std::string());
    std::erase_if(st->oopifs, [&](const auto& w) { return w->session.id().value == id; });
  }));
}

}  // namespace agent_detail

namespace {

/// The iframe element of an out-of-process frame, seen from the main frame's world.
asio::awaitable<std::optional<frame_box>> box_of(std::shared_ptr<page_agent::state> st,
                                                 std::shared_ptr<frame_world> w) {
  const auto& s = st->main.session;
  try {
    json owner_args{{"frameId", w->frame_id}};
    const json owner = co_await s.send("DOM.getFrameOwner", std::move(owner_args));
    const long ctx = co_await context_of(std::shared_ptr<frame_world>(st, &st->main));
    json resolve{{"backendNodeId", owner.at("backendNodeId")}, {"executionContextId", ctx}};
    const json node = co_await s.send("DOM.resolveNode", std::move(resolve));
    const auto& m = st->main_pointer();
    json call{{"functionDeclaration", "function(p){__ff.pointer(p);return __ff.frameBox(this)}"},
              {"objectId", node.at("object").at("objectId")},
              {"arguments", json::array({json{{"value", json::array({m.x, m.y})}}})},
              {"returnByValue", true}};
    json r = co_await s.send("Runtime.callFunctionOn", std::move(call));
    const json b = result_value(r);
    co_return frame_box{b.value("selector", std::string()),
                        {b.value("x", 0.0), b.value("y", 0.0)},
                        point_of(b.value("scroll_by", json())),
                        point_of(b.value("over", json()))};
  } catch (const cdp::error& e) {
    spdlog::debug("out-of-process frame {}: no box: {}", w->frame_id, e.what());
    co_return std::nullopt;
  }
}

/// The iframe itself as the target while it is out of view: the engine wheels it in first.
std::optional<element_target> frame_out_of_view(const frame_box& box) {
  if (!box.scroll_by) return std::nullopt;
  element_target t;
  t.selector = box.selector;
  t.tag = "iframe";
  t.at = box.offset;
  t.scroll_by = box.scroll_by;
  t.wheel_at = box.wheel_at;
  return t;
}

/// The pointer in an out-of-process frame's own viewport.
cdp::point pointer_in(const page_agent::state& st, const frame_box& box) {
  const auto& m = st.main_pointer();
  return {m.x - box.offset.x, m.y - box.offset.y};
}

/// A target an out-of-process frame's script chose, in top-viewport terms.
void place_in_page(element_target& t, const frame_box& box) {
  t.at = {t.at.x + box.offset.x, t.at.y + box.offset.y};
  if (t.wheel_at) t.wheel_at = cdp::point{t.wheel_at->x + box.offset.x, t.wheel_at->y + box.offset.y};
  if (t.drag_to) t.drag_to = cdp::point{t.drag_to->x + box.offset.x, t.drag_to->y + box.offset.y};
  t.selector = box.selector + " >>frame>> " + t.selector;
  if (!t.drop_selector.empty()) t.drop_selector = box.selector + " >>frame>> " + t.drop_selector;
  t.in_frame = true;
}

}  // namespace

// The choice spreads over the main frame's candidates (its same-origin frames and shadow roots
// included) and each out-of-process frame's, by their counts; u1 picks one of them all.
asio::awaitable<std::optional<element_target>> page_agent::pick_across_frames(pick_kind kind,
                                                                              double u1, double u2,
                                                                              double u3) {
  auto st = state_;
  const auto worlds = st->oopifs;
  json kind_arg = json::array({kind_name(kind)});
  const long in_main = (co_await call("count", kind_arg)).get<long>();
  std::vector<long> counts;
  long total = in_main;
  for (const auto& w : worlds) {
    long n = 0;
    try {
      n = (co_await call_in(w, "count", kind_arg, false)).get<long>();
    } catch (const cdp::error& e) {
      spdlog::debug("out-of-process frame {}: {}", w->frame_id, e.what());
    }
    counts.push_back(n);
    total += n;
  }
  long k = std::min(total - 1, static_cast<long>(u1 * static_cast<double>(total)));
  for (std::size_t i = 0; total > 0 && i < worlds.size() && k >= in_main; ++i) {
    if (k - in_main >= counts[i]) {
      k -= counts[i];
      continue;
    }
    const auto box = co_await box_of(st, worlds[i]);
    if (!box) break;
    if (auto away = frame_out_of_view(*box)) co_return away;
    const double u = (static_cast<double>(k - in_main) + 0.5) / static_cast<double>(counts[i]);
    json args = json::array({kind_name(kind), u, u2, u3});
    auto t = parse_target(
        co_await call_in(worlds[i], "pick", std::move(args), false, pointer_in(*st, *box)));
    if (!t) break;
    place_in_page(*t, *box);
    st->last_world = worlds[i];
    st->last_box = *box;
    co_return t;
  }
  json args = json::array({kind_name(kind), u1, u2, u3});
  co_return parse_target(co_await call("pick", std::move(args)));
}

asio::awaitable<std::optional<element_target>> page_agent::target_in_frames(std::string selector,
                                                                            double u2, double u3,
                                                                            bool avoid_nav) {
  // A selector through an out-of-process frame: `<iframe selector> >>frame>> <inside>`.
  auto st = state_;
  for (const auto& w : std::vector(st->oopifs)) {
    const auto box = co_await box_of(st, w);
    const auto prefix = box ? box->selector + " >>frame>> " : std::string();
    if (!box || !selector.starts_with(prefix)) continue;
    if (auto away = frame_out_of_view(*box)) co_return away;
    json args = json::array({selector.substr(prefix.size()), u2, u3, avoid_nav});
    auto t = parse_target(
        co_await call_in(w, "target", std::move(args), false, pointer_in(*st, *box)));
    if (!t) co_return t;
    place_in_page(*t, *box);
    st->last_world = w;
    st->last_box = *box;
    co_return t;
  }
  co_return std::nullopt;
}

asio::awaitable<hit_check> page_agent::check_in_frame(cdp::point at, double u2, double u3) {
  // Asked in the frame that chose the target, at the same point in its own viewport.
  auto st = state_;
  const auto w = st->last_world;
  const auto box = st->last_box;
  json args = json::array({at.x - box.offset.x, at.y - box.offset.y, u2, u3});
  const json j = co_await call_in(w, "check", std::move(args), false, pointer_in(*st, box));
  hit_check h;
  h.ok = j.value("ok", false);
  h.hit = parse_target(j.value("hit", json()));
  h.again = parse_target(j.value("again", json()));
  if (h.hit) place_in_page(*h.hit, box);
  if (h.again) place_in_page(*h.again, box);
  co_return h;
}

}  // namespace footfall::engine
