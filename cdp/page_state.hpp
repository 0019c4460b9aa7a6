#pragma once
/// The shared state behind a page handle (internal to cdp/).
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cdp/input_burst.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

struct page_state {
  cdp::session session;
  target_id target;
  browser_context_id context;
  page_options options;
  mouse_state mouse;
  keyboard_state keyboard;
  std::vector<dialog_record> dialogs;
  std::vector<std::function<void(const dialog_record&)>> dialog_handlers;
  std::vector<subscription> subscriptions;
  bool closed = false;
  /// Armed before the target runs, so its first load is never missed.
  event_waiter first_load;
  std::vector<page> popups;
  /// Coroutines waiting in wait_popup: cancelled (woken) when a popup is added.
  std::vector<asio::steady_timer*> popup_wakers;
  std::vector<child_target> children;
  /// page::on_frame handlers, and page::add_frame_setup commands for each new frame.
  std::vector<std::function<void(const child_target&)>> frame_handlers;
  std::vector<burst_command> frame_setup;
  /// page::on_popup handlers, and page::add_popup_setup commands for each popup it opens.
  std::vector<std::function<void(const cdp::session&, const target_id&)>> popup_handlers;
  std::vector<burst_command> popup_setup;

  void add_popup(page p) {
    popups.push_back(std::move(p));
    for (auto* t : popup_wakers) t->cancel();
  }
};

}  // namespace footfall::cdp
