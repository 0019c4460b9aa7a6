// Page operations: navigation with a load deadline, evaluation, geometry.
#include "cdp/page.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/page_state.hpp"

namespace footfall::cdp {

navigation_error::navigation_error(std::string u, std::string text)
    : error("navigation to " + u + " failed: " + text), url(std::move(u)) {}

const cdp::session& page::session() const { return state_->session; }
const target_id& page::target() const { return state_->target; }
const browser_context_id& page::context() const { return state_->context; }
const page_options& page::options() const { return state_->options; }
const std::vector<dialog_record>& page::dialogs() const { return state_->dialogs; }
void page::on_dialog(std::function<void(const dialog_record&)> h) {
  state_->dialog_handlers.push_back(std::move(h));
}
bool page::closed() const { return state_->closed; }
mouse_state& page::mouse() const { return state_->mouse; }
keyboard_state& page::keyboard() const { return state_->keyboard; }

const std::vector<page>& page::popups() const { return state_->popups; }
event_waiter& page::first_load() const { return state_->first_load; }
const std::vector<child_target>& page::children() const { return state_->children; }
void page::on_frame(std::function<void(const child_target&)> h) const {
  for (const auto& c : std::vector(state_->children))
    if (c.type == "iframe") h(c);
  state_->frame_handlers.push_back(std::move(h));
}
void page::add_frame_setup(const char* method, json params) const {
  state_->frame_setup.push_back({method, std::move(params)});
}
void page::on_popup(std::function<void(const cdp::session&, const target_id&)> h) const {
  state_->popup_handlers.push_back(std::move(h));
}
void page::add_popup_setup(const char* method, json params) const {
  state_->popup_setup.push_back({method, std::move(params)});
}

asio::awaitable<page> page::wait_popup(target_id t, milliseconds timeout) {
  auto st = state_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (const auto& p : st->popups)
      if (p.target() == t) co_return p;
    if (std::chrono::steady_clock::now() >= deadline)
      throw timeout_error("popup " + t.value + " to start", timeout.count());
    asio::steady_timer wake(st->session.conn()->get_executor(), deadline);
    st->popup_wakers.push_back(&wake);
    boost::system::error_code ec;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::erase(st->popup_wakers, &wake);
  }
}

asio::awaitable<target_info> get_target_info(std::shared_ptr<connection> c, target_id t) {
  json q = {{"targetId", t.value}};
  auto r = co_await c->send("Target.getTargetInfo", std::move(q));
  const auto& i = r.at("targetInfo");
  target_info out;
  out.type = i.value("type", std::string());
  out.url = i.value("url", std::string());
  out.title = i.value("title", std::string());
  out.opener = target_id{i.value("openerId", std::string())};
  co_return out;
}

asio::awaitable<void> close_target(std::shared_ptr<connection> c, target_id t) {
  json q = {{"targetId", t.value}};
  try {
    co_await c->send("Target.closeTarget", std::move(q));
  } catch (const protocol_error& e) {
    spdlog::debug("Target.closeTarget {}: {}", t.value, e.what());  // already gone
  }
}

event_waiter page::expect_load() const {
  return state_->session.expect_event("Page.loadEventFired");
}

asio::awaitable<void> page::navigate(std::string url, milliseconds timeout) {
  auto st = state_;
  const auto start = std::chrono::steady_clock::now();
  auto load = st->session.expect_event("Page.loadEventFired");
  json r;
  try {
    // Page.navigate itself answers only once the response started: a server that never
    // answers makes the command time out, not just the load event.
    json args1 = {{"url", url}};
    r = co_await st->session.send("Page.navigate", std::move(args1), timeout);
  } catch (const timeout_error&) {
    r = nullptr;
  }
  if (r.is_object()) {
    if (auto e = r.value("errorText", std::string()); !e.empty()) throw navigation_error(url, e);
    if (!r.contains("loaderId")) co_return;  // same-document navigation: no load event follows
    auto left = timeout -
                std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
    try {
      co_await load.wait(std::max(left, milliseconds(1)));
      co_return;
    } catch (const timeout_error&) {
    }
  }
  // Stop the hanging load so the tab stays usable for the next navigation.
  try {
    co_await st->session.send("Page.stopLoading", json::object(), milliseconds(5000));
  } catch (const error& e) {
    spdlog::warn("Page.stopLoading after timeout failed url={} error=\"{}\"", url, e.what());
  }
  throw navigation_timeout(url, timeout.count());
}

asio::awaitable<json> page::evaluate(std::string expression, milliseconds timeout) {
  auto st = state_;
  json args2 = {
      {"expression", std::move(expression)}, {"returnByValue", true}, {"awaitPromise", true}};
  auto r = co_await st->session.send("Runtime.evaluate", std::move(args2), timeout);
  if (auto ex = r.find("exceptionDetails"); ex != r.end()) {
    std::string text = ex->value("text", std::string("exception"));
    if (auto e = ex->find("exception"); e != ex->end())
      text = e->value("description", e->value("value", json(text)).dump());
    throw javascript_error(text);
  }
  auto& res = r["result"];
  if (auto v = res.find("value"); v != res.end()) co_return std::move(*v);
  co_return nullptr;
}

asio::awaitable<box> page::element_box(std::string selector, bool scroll_into_view) {
  auto self = *this;
  // One round trip: find, scroll (instantly, whatever the page's scroll-behavior), measure.
  std::string js =
      "(() => { const e = document.querySelector(" + json(selector).dump() +
      "); if (!e) return null; " +
      (scroll_into_view ? "e.scrollIntoView({block: 'center', inline: 'center', behavior: "
                          "'instant'}); "
                        : "") +
      "const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; "
      "})()";
  auto v = co_await self.evaluate(std::move(js));
  if (!v.is_array()) throw element_not_found(selector);
  co_return box{v[0].get<double>(), v[1].get<double>(), v[2].get<double>(), v[3].get<double>()};
}

asio::awaitable<std::string> page::url() {
  auto self = *this;
  auto v = co_await self.evaluate("location.href");
  co_return v.is_string() ? v.get<std::string>() : std::string();
}

asio::awaitable<box> page::viewport() {
  auto self = *this;
  auto v = co_await self.evaluate("[window.innerWidth, window.innerHeight]");
  co_return box{0, 0, v[0].get<double>(), v[1].get<double>()};
}

asio::awaitable<void> page::close() {
  auto st = state_;
  if (st->closed) co_return;
  json args = {{"targetId", st->target.value}};
  co_await st->session.conn()->send("Target.closeTarget", std::move(args));
  st->closed = true;
}

}  // namespace footfall::cdp
