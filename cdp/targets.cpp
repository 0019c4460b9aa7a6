// Auto-attached targets: claims for pages footfall creates, popups for their openers.
#include "cdp/targets.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/page_state.hpp"
#include "cdp/target_setup.hpp"

namespace footfall::cdp {

namespace {

asio::awaitable<void> resume(session s) { co_await s.send("Runtime.runIfWaitingForDebugger"); }
asio::awaitable<void> front(session s) { co_await s.send("Page.bringToFront"); }

}  // namespace

attached_target parse_attached(const json& p) {
  attached_target a;
  a.session = session_id{p.value("sessionId", std::string())};
  a.waiting = p.value("waitingForDebugger", false);
  if (auto i = p.find("targetInfo"); i != p.end() && i->is_object()) {
    a.target = target_id{i->value("targetId", std::string())};
    a.type = i->value("type", std::string());
    a.opener = target_id{i->value("openerId", std::string())};
    a.context = browser_context_id{i->value("browserContextId", std::string())};
  }
  return a;
}

target_registry::target_registry(std::shared_ptr<connection> c) : conn_(std::move(c)) {}

asio::awaitable<void> target_registry::start() {
  std::weak_ptr<target_registry> weak = weak_from_this();
  subs_.push_back(conn_->subscribe({}, "Target.attachedToTarget", [weak](const json& p) {
    if (auto r = weak.lock()) r->on_attached(p);
  }));
  subs_.push_back(conn_->subscribe({}, "Target.detachedFromTarget", [weak](const json& p) {
    if (auto r = weak.lock()) r->on_detached(p);
  }));
  conn_->on_close([weak](const std::string&) {
    if (auto r = weak.lock())
      for (auto* t : r->claim_wakers_) t->cancel();
  });
  // Pages only: the browser's own UI targets (omnibox popups...) and service workers have
  // nothing to configure.
  json filter = json::array({{{"type", "page"}}});
  json aa = {{"autoAttach", true},
             {"waitForDebuggerOnStart", true},
             {"flatten", true},
             {"filter", std::move(filter)}};
  co_await conn_->send("Target.setAutoAttach", std::move(aa));
}

void target_registry::on_attached(const json& params) {
  auto a = parse_attached(params);
  if (a.type == "page" && !a.opener.empty()) {
    if (auto it = pages_.find(a.opener.value); it != pages_.end())
      if (auto opener = it->second.lock()) return start_popup(std::move(a), std::move(opener));
    // Its opener was let go before the popup attached: a late popup (a timer's window.open, or
    // a click whose new tab came after the visit's outcome window, seen once under saturation)
    // of a page whose session had ended. Nobody records it, but it must not run as
    // HeadlessChrome in a visitor's context: it wears the context's identity until disposal.
    if (auto c = contexts_.find(a.context.value); c != contexts_.end())
      return start_orphan(std::move(a), c->second);
  }
  if (a.type == "page" && a.opener.empty()) {
    // Ours (Target.createTarget): browser::new_page claims it, usually right after this event.
    unclaimed_[a.target.value] = a;
    for (auto* t : claim_wakers_) t->cancel();
    return;
  }
  // Service workers, pages opened by pages we do not drive: nothing to configure, let them run.
  if (a.waiting)
    asio::co_spawn(conn_->get_executor(), resume(session(conn_, a.session)),
                   [type = a.type](std::exception_ptr e) { log_failure("resume " + type, e); });
}

void target_registry::on_detached(const json& params) {
  const auto tid = params.value("targetId", std::string());
  unclaimed_.erase(tid);
  pages_.erase(tid);
}

void target_registry::add_page(const std::shared_ptr<page_state>& p) {
  pages_[p->target.value] = p;
  if (!p->context.empty()) contexts_.try_emplace(p->context.value, p->options);
}

void target_registry::forget_context(const browser_context_id& c) { contexts_.erase(c.value); }

void target_registry::start_orphan(attached_target a, const page_options& identity) {
  spdlog::info("popup of a closed page: its context's identity, not recorded target={} "
               "opener={}", a.target.value, a.opener.value);
  asio::co_spawn(conn_->get_executor(),
                 start_page(conn_, a.session, a.target, a.context, identity, a.waiting),
                 [t = a.target](std::exception_ptr e, page) {
                   log_failure("orphan popup " + t.value, e);
                 });
}

void target_registry::start_popup(attached_target a, std::shared_ptr<page_state> opener) {
  spdlog::debug("popup attached target={} opener={}", a.target.value, a.opener.value);
  std::weak_ptr<target_registry> self = weak_from_this();
  std::weak_ptr<page_state> weak_opener = opener;
  asio::co_spawn(
      conn_->get_executor(),
      start_page(conn_, a.session, a.target, opener->context, opener->options, a.waiting, opener),
      [self, weak_opener, t = a.target](std::exception_ptr e, page p) {
        if (e) return log_failure("popup " + t.value, e);
        auto r = self.lock();
        auto o = weak_opener.lock();
        if (r) r->add_page(p.state());
        if (!o) return;
        o->add_popup(std::move(p));
        // A new tab hides its opener (same window), and a hidden page gets no animation frames:
        // every action waiting for one would stall until the popup closed (the 5-11 s per
        // action of issue 9). The opener is the page the visitor works in: it stays in front.
        if (!o->closed && o->options.opener_in_front)
          asio::co_spawn(r ? r->conn_->get_executor() : o->session.conn()->get_executor(),
                         front(o->session),
                         [](std::exception_ptr e) { log_failure("Page.bringToFront", e); });
      });
}

asio::awaitable<attached_target> target_registry::claim(target_id t, milliseconds timeout) {
  auto self = shared_from_this();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto it = unclaimed_.find(t.value); it != unclaimed_.end()) {
      auto a = std::move(it->second);
      unclaimed_.erase(it);
      co_return a;
    }
    if (!conn_->is_open()) throw connection_closed("Target.attachedToTarget: socket closed");
    if (std::chrono::steady_clock::now() >= deadline)
      throw timeout_error("event Target.attachedToTarget", timeout.count());
    asio::steady_timer wake(conn_->get_executor(), deadline);
    claim_wakers_.push_back(&wake);
    boost::system::error_code ec;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::erase(claim_wakers_, &wake);
  }
}

}  // namespace footfall::cdp
