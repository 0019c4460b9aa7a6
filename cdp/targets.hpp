#pragma once
/// Every page target of a browser is attached automatically and held paused until footfall has
/// configured it (Target.setAutoAttach {autoAttach, waitForDebuggerOnStart, flatten} on the
/// browser session, as Puppeteer's ChromeTargetManager does). Pages footfall creates are
/// claimed by browser::new_page; popups (window.open, target=_blank) are configured with their
/// opener's options and handed to the opener; a popup whose opener has already closed still
/// wears its context's identity; anything else is let run at once so nothing stays paused.
/// Internal to cdp/; lives on the connection's io thread.
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cdp/connection.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

struct page_state;

/// What Target.attachedToTarget said about a page target.
struct attached_target {
  session_id session;
  target_id target;
  std::string type;
  target_id opener;
  browser_context_id context;
  bool waiting = false;  ///< waitingForDebugger: Runtime.runIfWaitingForDebugger still owed
};

/// Parses Target.attachedToTarget params (pure; unit-tested).
attached_target parse_attached(const json& params);

class target_registry : public std::enable_shared_from_this<target_registry> {
 public:
  explicit target_registry(std::shared_ptr<connection> c);
  target_registry(const target_registry&) = delete;
  target_registry& operator=(const target_registry&) = delete;

  /// Subscribes to attach/detach events, then turns auto-attach on for the browser.
  asio::awaitable<void> start();
  /// The attach of target `t` (one footfall created); timeout_error after `timeout`.
  asio::awaitable<attached_target> claim(target_id t, milliseconds timeout);
  /// Routes popups opened by this page to it; its context's later pages wear its identity.
  void add_page(const std::shared_ptr<page_state>& p);
  /// The context is gone: its identity is forgotten.
  void forget_context(const browser_context_id& c);

 private:
  void on_attached(const json& params);
  void on_detached(const json& params);
  void start_popup(attached_target a, std::shared_ptr<page_state> opener);
  void start_orphan(attached_target a, const page_options& identity);

  std::shared_ptr<connection> conn_;
  std::vector<subscription> subs_;
  std::unordered_map<std::string, attached_target> unclaimed_;
  std::vector<asio::steady_timer*> claim_wakers_;
  std::unordered_map<std::string, std::weak_ptr<page_state>> pages_;
  /// Each driven context's identity (browserContextId -> options of its first page), kept
  /// after its pages close, until the context is disposed.
  std::unordered_map<std::string, page_options> contexts_;
};

}  // namespace footfall::cdp
