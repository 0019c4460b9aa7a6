// Paused targets: identity and handlers first, then Runtime.runIfWaitingForDebugger.
#include "cdp/target_setup.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/input_burst.hpp"
#include "cdp/page_state.hpp"

namespace footfall::cdp {

namespace {

asio::awaitable<json> send_setup(session s, std::string_view method, json params) {
  co_return co_await s.send(method, std::move(params));
}

void on_dialog_opening(std::weak_ptr<page_state> weak, const json& params) {
  auto st = weak.lock();
  if (!st) return;
  dialog_record rec;
  rec.type = params.value("type", std::string());
  rec.message = params.value("message", std::string());
  rec.url = params.value("url", std::string());
  rec.accepted = rec.type == "alert" || st->options.accept_dialogs;
  if (rec.type == "prompt") rec.prompt_text = st->options.prompt_text;
  rec.at = std::chrono::system_clock::now();
  json answer = {{"accept", rec.accepted}};
  if (rec.type == "prompt") answer["promptText"] = rec.prompt_text;
  spdlog::info("dialog handled type={} accepted={} message=\"{}\" url={}", rec.type, rec.accepted,
               rec.message, rec.url);
  // Answered from a coroutine of its own: the event handler must not block the reader.
  asio::co_spawn(st->session.conn()->get_executor(),
                 send_setup(st->session, "Page.handleJavaScriptDialog", std::move(answer)),
                 [](std::exception_ptr e, json) { log_failure("dialog answer", e); });
  st->dialogs.push_back(rec);
  auto handlers = st->dialog_handlers;
  for (auto& h : handlers) h(rec);
}

/// A frame or worker attached under a page: same user agent (an out-of-process iframe has its
/// own network stack), its own children too, the page owner's frame set-up (`extra`: event
/// domains), then it runs — all in one burst, so a frame costs no round trip of its own.
asio::awaitable<void> start_child(session s, page_options options, std::string type,
                                  std::vector<burst_command> extra) {
  std::vector<burst_command> cmds;
  const bool frame = type == "iframe";
  if (frame) {
    if (auto ua = user_agent_override(options); !ua.is_null())
      cmds.push_back({"Emulation.setUserAgentOverride", std::move(ua)});
    json aa = {{"autoAttach", true}, {"waitForDebuggerOnStart", true}, {"flatten", true}};
    cmds.push_back({"Target.setAutoAttach", std::move(aa)});
    for (auto& c : extra) cmds.push_back(std::move(c));
  }
  cmds.push_back({"Runtime.runIfWaitingForDebugger", json::object()});
  co_await send_burst(s, std::move(cmds));
}

void on_child_detached(std::weak_ptr<page_state> weak, const json& p) {
  auto st = weak.lock();
  if (!st) return;
  const auto sid = p.value("sessionId", std::string());
  std::erase_if(st->children, [&](const child_target& c) { return c.session.id().value == sid; });
}

/// `parent`: the session the attach came through (the page's, or a frame's for a nested one).
void on_child_attached(std::weak_ptr<page_state> weak, const session_id& parent, const json& p) {
  auto st = weak.lock();
  if (!st) return;
  const auto& info = p.at("targetInfo");
  child_target child;
  child.target = target_id{info.value("targetId", std::string())};
  child.type = info.value("type", std::string());
  child.url = info.value("url", std::string());
  child.session = cdp::session(st->session.conn(), session_id{p.value("sessionId", std::string())});
  child.parent = parent;
  std::weak_ptr<page_state> w = st;
  // Its own children (nested cross-origin frames) attach and detach through its session.
  st->subscriptions.push_back(child.session.subscribe(
      "Target.attachedToTarget",
      [w, sid = child.session.id()](const json& q) { on_child_attached(w, sid, q); }));
  st->subscriptions.push_back(child.session.subscribe(
      "Target.detachedFromTarget", [w](const json& q) { on_child_detached(w, q); }));
  st->children.push_back(child);
  std::vector<burst_command> extra;
  if (child.type == "iframe") {
    extra = st->frame_setup;
    // Still paused: whatever the handlers subscribe to is in place before its first event.
    const auto handlers = st->frame_handlers;
    for (const auto& h : handlers) h(child);
  }
  asio::co_spawn(st->session.conn()->get_executor(),
                 start_child(child.session, st->options, child.type, std::move(extra)),
                 [type = child.type](std::exception_ptr e) { log_failure(type.c_str(), e); });
}

std::shared_ptr<page_state> make_state(std::shared_ptr<connection> c, session_id sid,
                                       target_id target, browser_context_id context,
                                       page_options options) {
  auto st = std::make_shared<page_state>();
  st->session = cdp::session(c, std::move(sid));
  st->target = std::move(target);
  st->context = std::move(context);
  st->options = std::move(options);
  st->first_load = st->session.expect_event("Page.loadEventFired");
  std::weak_ptr<page_state> weak = st;
  auto& subs = st->subscriptions;
  subs.push_back(st->session.subscribe("Page.javascriptDialogOpening",
                                       [weak](const json& p) { on_dialog_opening(weak, p); }));
  subs.push_back(st->session.subscribe("Inspector.targetCrashed", [weak](const json&) {
    if (auto s = weak.lock()) s->closed = true;
    spdlog::warn("page renderer crashed");
  }));
  subs.push_back(c->subscribe({}, "Target.detachedFromTarget", [weak](const json& p) {
    auto s = weak.lock();
    if (s && p.value("sessionId", std::string()) == s->session.id().value) s->closed = true;
  }));
  // Children (out-of-process iframes, workers) attach through the page's own session.
  subs.push_back(st->session.subscribe(
      "Target.attachedToTarget",
      [weak, sid = st->session.id()](const json& p) { on_child_attached(weak, sid, p); }));
  subs.push_back(st->session.subscribe("Target.detachedFromTarget",
                                       [weak](const json& p) { on_child_detached(weak, p); }));
  return st;
}

}  // namespace

asio::awaitable<page> start_page(std::shared_ptr<connection> c, session_id sid, target_id target,
                                 browser_context_id context, page_options options,
                                 bool waiting_for_debugger,
                                 std::shared_ptr<const page_state> opener) {
  auto st = make_state(c, std::move(sid), std::move(target), std::move(context), options);
  if (opener)
    for (const auto& h : std::vector(opener->popup_handlers)) h(st->session, st->target);
  std::vector<burst_command> cmds;
  cmds.push_back({"Page.enable", json::object()});
  if (options.viewport_width > 0 && options.viewport_height > 0)
    cmds.push_back({"Emulation.setDeviceMetricsOverride", device_metrics(options)});
  if (auto ua = user_agent_override(options); !ua.is_null())
    cmds.push_back({"Emulation.setUserAgentOverride", std::move(ua)});
  // Several tabs share one headless window: without focus emulation only one of them would
  // have focus, and keyboard input and :focus would behave differently in the others.
  json focus = {{"enabled", true}};
  cmds.push_back({"Emulation.setFocusEmulationEnabled", std::move(focus)});
  json aa = {{"autoAttach", true}, {"waitForDebuggerOnStart", true}, {"flatten", true}};
  cmds.push_back({"Target.setAutoAttach", std::move(aa)});
  // One burst, the resume last: Chromium handles a session's commands in order, so the
  // identity is in place before the target runs. Not awaited one by one: a paused noopener tab
  // has no renderer yet, and Page.enable answers only once it runs.
  if (opener)
    for (const auto& extra : opener->popup_setup) cmds.push_back(extra);
  if (waiting_for_debugger)
    cmds.push_back({"Runtime.runIfWaitingForDebugger", json::object()});
  co_await send_burst(st->session, std::move(cmds));
  co_return page(std::move(st));
}

void log_failure(std::string_view what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::warn("{} failed error=\"{}\"", what, x.what());
  }
}

}  // namespace footfall::cdp
