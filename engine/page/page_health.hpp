#pragma once
/// Page health of one page (issue 21): its requests from the Network domain (cdp/request_log.hpp)
/// and its Core Web Vitals (cdp/vitals.hpp: LCP and layout shifts from the PerformanceTimeline
/// domain, FCP, TTFB and interactions from the observers of footfall's isolated world). Nothing
/// is added to the page's own world: Network and PerformanceTimeline are browser-side, and the
/// observers live in footfall's world (engine/page/js/page_script.js).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cdp/connection.hpp"
#include "cdp/input_burst.hpp"
#include "cdp/request_log.hpp"
#include "cdp/vitals.hpp"

namespace footfall::engine {

/// A request log with the subscriptions that feed it: it records for as long as it is held, by
/// whichever page_health holds it (a popup's, handed from its opener's to its own).
struct request_feed {
  cdp::request_log log;
  std::vector<cdp::subscription> subs;
};

/// The page's request log and vitals tracker, fed by CDP events on the page's io thread.
class page_health {
 public:
  /// Subscribes to the main session's Network and PerformanceTimeline events. `main_frame`: the
  /// main frame's id (the target's id), whose timeline entries are the page's vitals.
  /// `carried`: the page's requests are already being recorded — a followed popup's log, taken
  /// from its opener's page health (release_popup) — and go on in it, nothing closed or missed
  /// in between (it must feed from session `s`).
  page_health(const cdp::session& s, std::string main_frame,
              std::unique_ptr<request_feed> carried = nullptr);
  /// The commands that turn the events on (sent in the agent's set-up burst, before the first
  /// navigation), and the one-line script that tells footfall's world to observe (before the
  /// page script, in the same world).
  static std::vector<cdp::burst_command> enable_commands();
  static const char* world_switch_script();

  /// The Network.enable another target of the page needs in its paused set-up burst: an
  /// out-of-process frame's or a popup's requests reach its own session, not the page's.
  static cdp::burst_command network_enable_command();
  /// Also records the requests of the page's out-of-process frame on session `s` (attached,
  /// still paused: none of its requests is missed).
  void watch_frame(const cdp::session& s);
  /// The frame on session `session_id` detached: its log stops listening, and goes once the
  /// requests it holds are taken (they belong to the visit in progress), so a long page whose
  /// frames come and go keeps no log per frame it ever had.
  void frame_detached(const std::string& session_id);

  /// Also records the requests of popup `t` this page opened, on its session `s` (still paused:
  /// its first document's requests included), apart from the page's own: they belong to the
  /// popup's visit (release_popup).
  void watch_popup(const cdp::session& s, const cdp::target_id& t);
  /// Popup `t`'s log, still recording, for whichever visit owns the popup: its own recorded
  /// visit, or the popup's own page health when the journey goes there (null for a popup not
  /// watched, or released already).
  std::unique_ptr<request_feed> release_popup(const cdp::target_id& t);

  /// Every request since the last call, the out-of-process frames' too, in the order they
  /// started; open ones ended as canceled: the visit that is ending owns them (requests started
  /// later belong to the next visit).
  std::vector<cdp::request_record> take_requests();
  /// The vitals of the current document, from the world's report (page_facts) and the timeline.
  cdp::web_vitals vitals(const cdp::page_timing_report& report) const;
  /// footfall's own load through the page's session (robots.txt) is not the page's request.
  void ignore_url(std::string url) { main_->log.ignore_url(std::move(url)); }

 private:
  /// Feeds `log` the request events of session `s`, the subscriptions going to `subs`.
  static void feed(const cdp::session& s, cdp::request_log* log,
                   std::vector<cdp::subscription>& subs);

  std::unique_ptr<request_feed> main_;
  /// One per out-of-process frame: request ids are only known unique within one session.
  struct frame_log {
    std::string session_id;
    request_feed feed;
    bool detached = false;
  };
  std::vector<std::unique_ptr<frame_log>> frame_logs_;
  /// Popups' logs by target id, with their subscriptions (dropped with the log).
  std::map<std::string, std::unique_ptr<request_feed>> popup_logs_;
  cdp::vitals_tracker tracker_;
  std::vector<cdp::subscription> subs_;
};

/// The isolated world's report in page_facts' JSON ("perf"), when the world sent one.
std::optional<cdp::page_timing_report> parse_timing_report(const nlohmann::json& j);

}  // namespace footfall::engine
