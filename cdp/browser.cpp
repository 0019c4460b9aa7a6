// Browser target: contexts and new pages (flattened sessions over the browser's socket).
#include "cdp/browser.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/page_state.hpp"

namespace footfall::cdp {

asio::awaitable<std::shared_ptr<browser>> browser::connect(devtools_endpoint endpoint,
                                                           connection_options options) {
  auto c = co_await connection::open(std::move(endpoint), options);
  co_return std::make_shared<browser>(std::move(c));
}

asio::awaitable<browser_context_id> browser::create_context() {
  auto c = conn_;
  // disposeOnDetach: if footfall's socket dies, Chromium drops the visitor's profile itself.
  json args1 = {{"disposeOnDetach", true}};
  auto r = co_await c->send("Target.createBrowserContext", std::move(args1));
  co_return browser_context_id{r.at("browserContextId").get<std::string>()};
}

asio::awaitable<void> browser::dispose_context(browser_context_id id) {
  auto c = conn_;
  json args2 = {{"browserContextId", id.value}};
  co_await c->send("Target.disposeBrowserContext", std::move(args2));
}

namespace {

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
  auto s = st->session;
  asio::co_spawn(
      s.conn()->get_executor(),
      [](cdp::session s, json answer) -> asio::awaitable<void> {
        co_await s.send("Page.handleJavaScriptDialog", std::move(answer));
      }(s, std::move(answer)),
      [type = rec.type](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::warn("dialog answer failed type={} error=\"{}\"", type, x.what());
        }
      });
  st->dialogs.push_back(rec);
  auto handlers = st->dialog_handlers;
  for (auto& h : handlers) h(rec);
}

}  // namespace

asio::awaitable<page> browser::new_page(browser_context_id context, page_options options) {
  auto c = conn_;
  json create = {{"url", "about:blank"}};
  if (!context.empty()) create["browserContextId"] = context.value;
  auto created = co_await c->send("Target.createTarget", std::move(create));
  target_id target{created.at("targetId").get<std::string>()};
  json args3 = {{"targetId", target.value}, {"flatten", true}};
  auto attached = co_await c->send("Target.attachToTarget", std::move(args3));
  auto st = std::make_shared<page_state>();
  st->session = cdp::session(c, session_id{attached.at("sessionId").get<std::string>()});
  st->target = target;
  st->context = context;
  st->options = options;
  std::weak_ptr<page_state> weak = st;
  st->subscriptions.push_back(st->session.subscribe(
      "Page.javascriptDialogOpening", [weak](const json& p) { on_dialog_opening(weak, p); }));
  st->subscriptions.push_back(st->session.subscribe("Inspector.targetCrashed", [weak](const json&) {
    if (auto s = weak.lock()) s->closed = true;
    spdlog::warn("page renderer crashed");
  }));
  st->subscriptions.push_back(c->subscribe({}, "Target.detachedFromTarget", [weak](const json& p) {
    auto s = weak.lock();
    if (s && p.value("sessionId", std::string()) == s->session.id().value) s->closed = true;
  }));
  const auto& s = st->session;
  co_await s.send("Page.enable");
  // (json arguments are built outside co_await: g++ 12 miscompiles initializer lists of string
  // literals inside a co_await expression, "array used as initializer".)
  if (options.viewport_width > 0 && options.viewport_height > 0) {
    json metrics = {{"width", options.viewport_width},
                    {"height", options.viewport_height},
                    {"deviceScaleFactor", options.device_scale_factor},
                    {"mobile", false}};
    co_await s.send("Emulation.setDeviceMetricsOverride", std::move(metrics));
  }
  if (!options.user_agent.empty()) {
    json ua = {{"userAgent", options.user_agent}};
    co_await s.send("Emulation.setUserAgentOverride", std::move(ua));
  }
  // Several tabs share one headless window: without focus emulation only one of them would have
  // focus, and keyboard input and :focus would behave differently in the others.
  json args6 = {{"enabled", true}};
  co_await s.send("Emulation.setFocusEmulationEnabled", std::move(args6));
  co_return page(std::move(st));
}

asio::awaitable<std::string> browser::version() {
  auto c = conn_;
  auto r = co_await c->send("Browser.getVersion");
  co_return r.value("product", std::string());
}

asio::awaitable<void> browser::close() {
  auto c = conn_;
  try {
    co_await c->send("Browser.close", json::object(), {}, std::chrono::milliseconds(5000));
  } catch (const connection_closed&) {
    // The browser may close the socket before it answers: that is the expected outcome.
  }
  c->close();
}

}  // namespace footfall::cdp
