// The page agent's out-of-process iframes: a cross-site frame is a target of its own, so its
// world is reached through its own session and its place in the page through the iframe element.
#include <spdlog/spdlog.h>

#include "engine/page/page_agent.hpp"
#include "engine/page/page_agent_internal.hpp"
#include "engine/page/page_script.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using nlohmann::json;
using namespace agent_detail;

namespace agent_detail {

namespace {

void forget_frame(page_agent::state& st, const std::string& session) {
  std::erase_if(st.oopifs, [&](const auto& w) { return w->session.id().value == session; });
  if (st.health) st.health->frame_detached(session);
}


/// Keeps `w->context` in step with Chromium's reports on the frame's session (Runtime is enabled
/// there in its set-up burst): footfall's world, made on demand by Page.createIsolatedWorld.
void track_frame_context(std::shared_ptr<frame_world> w, std::vector<cdp::subscription>& subs) {
  std::weak_ptr<frame_world> weak = w;
  subs.push_back(w->session.subscribe("Runtime.executionContextCreated", [weak](const json& p) {
    auto w = weak.lock();
    const auto& c = p.value("context", json::object());
    const auto& aux = c.value("auxData", json::object());
    if (w && c.value("name", std::string()) == page_world_name() &&
        aux.value("frameId", std::string()) == w->frame_id)
      w->context = c.value("id", 0L);
  }));
  subs.push_back(w->session.subscribe("Runtime.executionContextDestroyed", [weak](const json& p) {
    auto w = weak.lock();
    if (w && w->context == p.value("executionContextId", 0L)) w->context.reset();
  }));
  subs.push_back(w->session.subscribe("Runtime.executionContextsCleared", [weak](const json&) {
    if (auto w = weak.lock()) w->context.reset();
  }));
}

}  // namespace

void watch_out_of_process_frames(std::shared_ptr<page_agent::state> st) {
  std::weak_ptr<page_agent::state> weak = st;
  // Called by cdp/ while the frame is paused, nested frames included (their parent is the
  // frame whose session they attached through).
  st->page.on_frame([weak](const cdp::child_target& c) {
    auto st = weak.lock();
    if (!st) return;
    auto w = std::make_shared<frame_world>();
    w->session = c.session;
    w->frame_id = c.target.value;
    for (const auto& o : st->oopifs)
      if (o->session.id() == c.parent) w->parent = o;
    count_errors(st, w->session, w, st->subscriptions);
    track_frame_context(w, st->subscriptions);
    if (st->health) st->health->watch_frame(c.session);  // its requests: page health
    // Its own children detach through its session.
    st->subscriptions.push_back(w->session.subscribe(
        "Target.detachedFromTarget", [weak](const json& p) {
          if (auto st = weak.lock()) forget_frame(*st, p.value("sessionId", std::string()));
        }));
    st->oopifs.push_back(std::move(w));
  });
  st->subscriptions.push_back(
      st->main.session.subscribe("Target.detachedFromTarget", [weak](const json& p) {
        if (auto st = weak.lock()) forget_frame(*st, p.value("sessionId", std::string()));
      }));
}

}  // namespace agent_detail

namespace {

/// __ff.frameBox of the iframe element of frame `frame_id`, asked in `parent`, the world the
/// element sits in (the main frame's, or the out-of-process frame it is nested in), with the
/// pointer at `pointer` in that world's viewport.
asio::awaitable<json> owner_box(std::shared_ptr<frame_world> parent, std::string frame_id,
                                cdp::point pointer) {
  const auto& s = parent->session;
  json owner_args{{"frameId", frame_id}};
  const json owner = co_await s.send("DOM.getFrameOwner", std::move(owner_args));
  for (int attempt = 0;; ++attempt) {
    const long ctx = co_await context_of(parent);
    json resolve{{"backendNodeId", owner.at("backendNodeId")}, {"executionContextId", ctx}};
    const json node = co_await s.send("DOM.resolveNode", std::move(resolve));
    json call{{"functionDeclaration", "function(p){__ff.pointer(p);return __ff.frameBox(this)}"},
              {"objectId", node.at("object").at("objectId")},
              {"arguments", json::array({json{{"value", json::array({pointer.x, pointer.y})}}})},
              {"returnByValue", true}};
    json r = co_await s.send("Runtime.callFunctionOn", std::move(call));
    try {
      co_return result_value(r);
    } catch (const cdp::javascript_error& e) {
      if (attempt > 0 || std::string_view(e.what()).find("__ff is not defined") ==
                             std::string_view::npos)
        throw;
    }
    // A parent frame's world made on demand has no agent until something was asked there.
    json install{{"expression", std::string(page_script())}, {"contextId", ctx}};
    co_await s.send("Runtime.evaluate", std::move(install));
  }
}

/// Where out-of-process frame `w` sits in the top viewport, and its selector from the top: the
/// boxes of the frames it is nested in add up, one `>>frame>>` per level. An outer frame out
/// of view is the box to wheel in first.
asio::awaitable<std::optional<frame_box>> box_of(std::shared_ptr<page_agent::state> st,
                                                 std::shared_ptr<frame_world> w) {
  std::optional<frame_box> outer;
  if (w->parent) {
    outer = co_await box_of(st, w->parent);
    if (!outer || outer->scroll_by) co_return outer;
  }
  const cdp::point origin = outer ? outer->offset : cdp::point{0, 0};
  const auto& m = st->main_pointer();
  try {
    auto world = w->parent ? w->parent : std::shared_ptr<frame_world>(st, &st->main);
    const json b = co_await owner_box(world, w->frame_id, {m.x - origin.x, m.y - origin.y});
    frame_box box{b.value("selector", std::string()),
                  {b.value("x", 0.0) + origin.x, b.value("y", 0.0) + origin.y},
                  point_of(b.value("scroll_by", json())),
                  point_of(b.value("over", json()))};
    if (box.wheel_at) box.wheel_at = cdp::point{box.wheel_at->x + origin.x, box.wheel_at->y + origin.y};
    if (outer) box.selector = outer->selector + " >>frame>> " + box.selector;
    co_return box;
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
  const long in_main = (co_await call(script_api::count, kind_arg)).get<long>();
  std::vector<long> counts;
  long total = in_main;
  for (const auto& w : worlds) {
    long n = 0;
    try {
      n = (co_await call_in(w, script_api::count, kind_arg, false)).get<long>();
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
        co_await call_in(worlds[i], script_api::pick, std::move(args), false, pointer_in(*st, *box)));
    if (!t) break;
    place_in_page(*t, *box);
    st->last_world = worlds[i];
    st->last_box = *box;
    co_return t;
  }
  json args = json::array({kind_name(kind), u1, u2, u3});
  co_return parse_target(co_await call(script_api::pick, std::move(args)));
}

asio::awaitable<std::optional<element_target>> page_agent::target_in_frames(std::string selector,
                                                                            double u2, double u3,
                                                                            bool avoid_nav) {
  // A selector through out-of-process frames: `<iframe> >>frame>> [<iframe> >>frame>>] <inside>`.
  // The innermost frame whose path prefixes it holds the element (an outer one cannot see
  // into a cross-site child).
  auto st = state_;
  std::shared_ptr<frame_world> world;
  std::optional<frame_box> found;
  for (const auto& w : std::vector(st->oopifs)) {
    const auto box = co_await box_of(st, w);
    if (!box || box->scroll_by || !selector.starts_with(box->selector + " >>frame>> ")) {
      if (box && box->scroll_by && selector.starts_with(box->selector + " >>frame>> "))
        co_return frame_out_of_view(*box);
      continue;
    }
    if (!found || box->selector.size() > found->selector.size()) {
      world = w;
      found = box;
    }
  }
  if (!found) co_return std::nullopt;
  const auto prefix = found->selector + " >>frame>> ";
  json args = json::array({selector.substr(prefix.size()), u2, u3, avoid_nav});
  auto t = parse_target(
      co_await call_in(world, script_api::target, std::move(args), false, pointer_in(*st, *found)));
  if (!t) co_return t;
  place_in_page(*t, *found);
  st->last_world = world;
  st->last_box = *found;
  co_return t;
}

asio::awaitable<hit_check> page_agent::check_in_frame(cdp::point at, double u2, double u3) {
  // Asked in the frame that chose the target, at the same point in its own viewport.
  auto st = state_;
  const auto w = st->last_world;
  const auto box = st->last_box;
  json args = json::array({at.x - box.offset.x, at.y - box.offset.y, u2, u3});
  const json j = co_await call_in(w, script_api::check, std::move(args), false, pointer_in(*st, box));
  hit_check h;
  h.ok = j.value("ok", false);
  h.hit = parse_target(j.value("hit", json()));
  h.again = parse_target(j.value("again", json()));
  if (h.hit) place_in_page(*h.hit, box);
  if (h.again) place_in_page(*h.again, box);
  co_return h;
}

}  // namespace footfall::engine
