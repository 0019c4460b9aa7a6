#pragma once
/// A page (tab) in a browser context: navigation, evaluation, geometry, dialogs.
/// Real input lives in input.hpp; a page carries the mouse/keyboard state it uses.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/connection.hpp"
#include "cdp/emulation.hpp"
#include "cdp/input_model.hpp"

namespace footfall::cdp {

/// How a new page is set up before it is used.
struct page_options {
  int viewport_width = 1280;  ///< Emulation.setDeviceMetricsOverride; 0 = leave as is.
  int viewport_height = 800;
  double device_scale_factor = 1;
  std::string user_agent;               ///< Emulation.setUserAgentOverride when non-empty.
  std::string platform;                 ///< navigator.platform ("Win32"); empty = Chromium's.
  ua_metadata client_hints;             ///< navigator.userAgentData and Sec-CH-UA headers.
  screen_geometry screen;               ///< screen and outer window size; 0 = Chromium's.
  /// navigator.languages and the Accept-Language header ("en-US,en"); empty = the browser's
  /// (full Chromium says "en-US,en", the headless shell "en-US").
  std::string accept_language;
  bool accept_dialogs = true;           ///< Answer to confirm() and beforeunload.
  std::string prompt_text;              ///< Answer to prompt().
  milliseconds default_timeout{30000};  ///< For commands sent through this page.
  /// Page.bringToFront on this page when it opens a popup (a hidden opener gets no animation
  /// frames); false only to measure the difference (bench/targets).
  bool opener_in_front = true;
};

/// A JavaScript dialog the page opened and how it was answered.
struct dialog_record {
  std::string type;  ///< alert, confirm, prompt, beforeunload
  std::string message;
  std::string url;
  bool accepted = false;
  std::string prompt_text;
  std::chrono::system_clock::time_point at;
};

struct page_state;
class page;

/// An out-of-process iframe (or worker) of a page, attached through the page's session with the
/// same identity; input into a cross-origin frame goes through its own session.
struct child_target {
  target_id target;
  cdp::session session;
  std::string type;  ///< "iframe", "worker", ...
  std::string url;   ///< as attached (the frame may have navigated since)
  session_id parent; ///< the session it attached through: the page's, or a parent frame's
};

/// Handle on one page; cheap to copy (shared state), so coroutines take it by value.
/// Dialogs are answered automatically as they open (Page.javascriptDialogOpening ->
/// Page.handleJavaScriptDialog) and logged; a dialog never blocks the session.
class page {
 public:
  page() = default;
  explicit page(std::shared_ptr<page_state> s) : state_(std::move(s)) {}

  /// The session the page's commands go through.
  const cdp::session& session() const;
  const target_id& target() const;
  const browser_context_id& context() const;
  const page_options& options() const;

  /// Navigates and waits for the main frame's load event. Throws navigation_timeout (after
  /// Page.stopLoading, so the tab stays usable), navigation_error for network errors.
  asio::awaitable<void> navigate(std::string url, milliseconds timeout = milliseconds{30000});
  /// Starts listening for the next main-frame load event (e.g. before clicking a link).
  event_waiter expect_load() const;
  /// Evaluates `expression` (promises awaited) and returns its value by value;
  /// javascript_error when it throws.
  asio::awaitable<json> evaluate(std::string expression, milliseconds timeout = milliseconds{0});
  /// Scrolls the first element matching `selector` into view (centre) unless told not to and
  /// returns its box in viewport coordinates; element_not_found when nothing matches.
  asio::awaitable<box> element_box(std::string selector, bool scroll_into_view = true);
  /// The page's current URL.
  asio::awaitable<std::string> url();
  /// Viewport size in CSS pixels (innerWidth, innerHeight).
  asio::awaitable<box> viewport();
  /// Closes the tab (Target.closeTarget).
  asio::awaitable<void> close();

  /// Dialogs answered so far, oldest first.
  const std::vector<dialog_record>& dialogs() const;
  /// Also call `handler` for each dialog (after it was answered).
  void on_dialog(std::function<void(const dialog_record&)> handler);
  /// True once the target detached or crashed.
  bool closed() const;

  /// Pages this page opened (window.open, target=_blank), attached paused and configured with
  /// this page's options before they ran; oldest first.
  const std::vector<page>& popups() const;
  /// The popup with target id `t` once it is configured and running; timeout_error if it does
  /// not appear within `timeout`.
  asio::awaitable<page> wait_popup(target_id t, milliseconds timeout);
  /// Listens (from creation on) for this page's first main-frame load event: for popups, whose
  /// first load may come before anyone asks.
  event_waiter& first_load() const;
  /// Attached out-of-process iframes and workers of this page (live ones only), nested frames
  /// (a cross-site frame inside a cross-site frame) included.
  const std::vector<child_target>& children() const;
  /// Also call `handler` for each out-of-process iframe, nested ones included: for those already
  /// attached now, and for each new one as it attaches — while Chromium still holds it paused,
  /// so subscriptions made in the handler miss none of its events.
  void on_frame(std::function<void(const child_target&)> handler) const;
  /// Commands each out-of-process iframe attached from now on gets in its paused set-up burst,
  /// after its identity and before it runs (e.g. Runtime.enable). `method`: a string literal.
  void add_frame_setup(const char* method, json params) const;
  /// Also call `handler` with the session and target of each popup this page opens from now on,
  /// while Chromium still holds it paused, so subscriptions made in the handler miss none of
  /// its events (its first document's requests, say).
  void on_popup(std::function<void(const cdp::session&, const target_id&)> handler) const;
  /// Commands each popup this page opens from now on gets in its paused set-up burst, after its
  /// identity and before it runs (e.g. Network.enable). `method`: a string literal.
  void add_popup_setup(const char* method, json params) const;

  /// Input state used by input.hpp.
  mouse_state& mouse() const;
  keyboard_state& keyboard() const;

  const std::shared_ptr<page_state>& state() const { return state_; }

 private:
  std::shared_ptr<page_state> state_;
};

/// Target.getTargetInfo's facts about a target.
struct target_info {
  std::string type;
  std::string url;
  std::string title;
  target_id opener;
};
/// Asks the browser about target `t` (no session needed).
asio::awaitable<target_info> get_target_info(std::shared_ptr<connection> c, target_id t);
/// Closes target `t` (Target.closeTarget); a target already gone is not an error.
asio::awaitable<void> close_target(std::shared_ptr<connection> c, target_id t);

/// A navigation failed at the network level (Page.navigate's errorText).
struct navigation_error : error {
  navigation_error(std::string url, std::string error_text);
  std::string url;
};

}  // namespace footfall::cdp
