#pragma once
/// The typed boundary between the engine and a page: installs footfall's page script in an
/// isolated world (nothing is added to or wrapped in the page's own world), calls it through
/// Runtime.callFunctionOn with typed arguments, and turns its answers into the structs below.
/// Console errors, exceptions and failed requests are counted from CDP events per document.
/// No other file builds JavaScript for the page script or reads its JSON.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/input_model.hpp"
#include "cdp/request_log.hpp"
#include "cdp/vitals.hpp"
#include "cdp/page.hpp"
#include "engine/page/page_health.hpp"
#include "engine/page/page_script_api.hpp"
#include "engine/persona/links.hpp"

namespace footfall::engine {

/// An element the script chose, with the top-viewport point to aim at (CSS px).
struct element_target {
  std::string selector;  ///< frames and shadow hosts first: `iframe#f >>frame>> #h >>shadow>> b`
  std::string text;      ///< visible label; never a field's value
  std::string tag, type, name, autocomplete;
  cdp::point at;
  double width = 0, height = 0;
  /// Where in the element `at` was aimed, as fractions (the engine's click-placement draw,
  /// engine/persona/human_input.hpp click_fraction; set by the caller that asked for the target).
  cdp::point aim{0.5, 0.5};
  /// Out of view: how far to scroll (CSS px) for it to show, and where the wheel must be for
  /// that scroll to happen (over the right scroll container). The script never scrolls; the
  /// engine wheels (engine/journey/actions.hpp reveal) and asks again.
  std::optional<cdp::point> scroll_by, wheel_at;
  bool dismiss = false;   ///< the close button of an overlay covering the wanted element
  bool secret = false;    ///< password / payment card / one-time-code field
  bool in_frame = false, in_shadow = false;
  std::vector<std::string> options;   ///< <select>: option values
  int selected = 0;                   ///< <select>: index shown
  std::optional<cdp::point> drag_to;  ///< drag: where to drop
  std::string drop_selector;
};

/// The page's facts at one moment: from the script (geometry, timing) and from CDP events since
/// the document started (errors, failed requests).
struct page_facts {
  std::string url, title;
  int scroll_depth_percent = 0;
  std::optional<double> ttfb_ms, dom_content_loaded_ms, load_ms;
  int height = 0, scroll_y = 0, viewport_height = 0;
  std::optional<bool> webdriver;
  std::optional<double> embedder_tells;  ///< share of the headless shell's tells (Chrome UA only)
  int console_errors = 0;
  int failed_requests = 0;
  /// Core Web Vitals of the document so far (page health on; engine/page/page_health.hpp).
  std::optional<cdp::web_vitals> vitals;
};

/// What a newly loaded page offers.
struct arrival {
  page_facts facts;
  std::vector<link_candidate> links;  ///< every a[href] of the top document, in order
};

/// The page's last facts and the link to leave by (none when no candidate was actionable).
struct departure {
  page_facts facts;
  std::optional<element_target> link;
};

/// What is under the pointer at press time (aim, then check).
struct hit_check {
  bool ok = false;                      ///< the chosen element is under the point
  std::optional<element_target> hit;    ///< otherwise: what the point would hit
  std::optional<element_target> again;  ///< and where the chosen element is now
};

/// Where keys go now.
struct focused_element {
  std::string selector, text;
};

enum class pick_kind { click, hover, type, clear, select, drag, scroll_to };

class popup_requests;

/// One page's agent. Shared by the actions of a session; lives on the page's io thread.
class page_agent {
 public:
  /// Installs the script and the event counters on `p`; call before its first navigation.
  /// `page_health`: record the page's requests and Core Web Vitals (engine/page/page_health.hpp);
  /// off (the default: replay), neither the Network nor the PerformanceTimeline domain is
  /// enabled. On, the popups the page opens get Network enabled while they are paused, and
  /// their requests are kept apart for their own visits (popup_requests_of).
  /// `carried`: with page health, the page's request log already recording (a followed popup's,
  /// from its opener's agent: popup_requests::release).
  static boost::asio::awaitable<std::shared_ptr<page_agent>> install(
      cdp::page p, bool page_health = false, std::unique_ptr<request_feed> carried = nullptr);
  /// The page's requests since the last call, open ones ended as canceled (the visit that ends
  /// owns them); empty with page health off.
  std::vector<cdp::request_record> take_requests();
  /// The claim on popup `t`'s request log (popup_requests), for whichever visit owns the popup.
  popup_requests popup_requests_of(cdp::target_id t) const;
  bool page_health_on() const;
  ~page_agent();

  boost::asio::awaitable<arrival> arrive();
  /// A target of `kind` with actionability checks: u1 picks the candidate, u2/u3 the point.
  boost::asio::awaitable<std::optional<element_target>> pick(pick_kind kind, double u1, double u2,
                                                             double u3);
  /// The element named by `selector` (selectorOf's form or plain CSS), checked the same way.
  boost::asio::awaitable<std::optional<element_target>> target(std::string selector, double u2,
                                                               double u3, bool avoid_nav = false);
  /// Final facts, and the first actionable link among `link_indexes` (arrival::links order).
  boost::asio::awaitable<departure> depart(std::vector<int> link_indexes, double u2, double u3);
  /// Final facts, and the link named by `selector`.
  boost::asio::awaitable<departure> depart_to(std::string selector, double u2, double u3);
  boost::asio::awaitable<page_facts> stats();
  /// Returns once the current document's load event has fired.
  boost::asio::awaitable<void> loaded();
  /// Is the element last chosen still under `at`? (u2/u3 place a new point when it moved.)
  boost::asio::awaitable<hit_check> check(cdp::point at, double u2, double u3);
  boost::asio::awaitable<focused_element> active();
  /// GETs `url` through the browser's network stack but outside the page (Network.
  /// loadNetworkResource), so it never shows in the site's Resource Timing. Empty on failure.
  boost::asio::awaitable<std::string> fetch_outside_page(std::string url);

  /// Input the page applies asynchronously was sent (wheel, scroll keys): the next call first
  /// waits two animation frames, so geometry is not stale.
  void input_pending() { settle_ = true; }
  const cdp::page& page() const { return page_; }

  friend class popup_requests;
  struct state;  ///< event counters and the world's context (page_agent.cpp)

 private:
  explicit page_agent(cdp::page p);
  /// Calls __ff.<method>(...args) in the main frame's world (telling it where the pointer is).
  boost::asio::awaitable<nlohmann::json> call(script_function method, nlohmann::json args);
  // Out-of-process iframes (page_agent_frames.cpp).
  boost::asio::awaitable<std::optional<element_target>> pick_across_frames(pick_kind kind,
                                                                           double u1, double u2,
                                                                           double u3);
  boost::asio::awaitable<std::optional<element_target>> target_in_frames(std::string selector,
                                                                         double u2, double u3,
                                                                         bool avoid_nav);
  boost::asio::awaitable<hit_check> check_in_frame(cdp::point at, double u2, double u3);

  cdp::page page_;
  std::shared_ptr<state> state_;
  bool settle_ = false;
};

/// A popup's request log, claimed by the visit that owns the popup: its own recorded visit
/// (engine/journey/popups.hpp) or the journey that follows it there (page_agent::install's
/// `carried`). One shape for both: release() hands the log over still recording, so a request
/// open at the hand-over finishes in the popup's visit and none is missed in between; the new
/// holder closes it when the visit ends. Released once the popup has started (its log begins
/// when it attaches, paused); null with page health off, for a popup not watched, once released,
/// or once the opener's agent is gone.
class popup_requests {
 public:
  std::unique_ptr<request_feed> release();

 private:
  friend class page_agent;
  std::weak_ptr<page_agent::state> opener_;  ///< not kept alive by a claim
  cdp::target_id target_;
};

}  // namespace footfall::engine
