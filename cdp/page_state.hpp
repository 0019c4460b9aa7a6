#pragma once
/// The shared state behind a page handle (internal to cdp/).
#include <vector>

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
};

}  // namespace footfall::cdp
