#pragma once
/// The rows footfall records, as plain values. This header is the contract between the engine
/// (which produces them), storage (which writes and reads them) and analytics (which reduces
/// them). It knows nothing of CDP and nothing of libpqxx.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/uuid.hpp"

namespace footfall::storage {

using clock = std::chrono::system_clock;
using time_point = clock::time_point;

/// The 13 action types of the spec, in the spec's order (the PostgreSQL enum has the same order).
enum class action_type {
  click, double_click, right_click, scroll, scroll_to_element, type, clear, select, hover,
  drag_and_drop, key_press, page_load, page_unload
};
inline constexpr int action_type_count = 13;
std::string_view to_string(action_type t);
std::optional<action_type> parse_action_type(std::string_view s);

/// dropped (migration 0050): an open-model arrival not started within max_lateness_s of its plan.
enum class session_status { pending, running, completed, failed, timeout, dropped };
std::string_view to_string(session_status s);
std::optional<session_status> parse_session_status(std::string_view s);

enum class campaign_status { pending, running, paused, completed, failed };
std::string_view to_string(campaign_status s);
std::optional<campaign_status> parse_campaign_status(std::string_view s);
/// The spec's transitions: pending→running, running→paused|completed|failed, paused→running.
bool campaign_transition_allowed(campaign_status from, campaign_status to);

/// A behaviour profile. Durations are in seconds.
struct persona {
  uuid id;
  std::string name;
  std::string description;
  int session_duration_min = 30;
  int session_duration_max = 300;
  int pages_min = 1;
  int pages_max = 5;
  int actions_per_page_min = 1;
  int actions_per_page_max = 10;
  double scroll_probability = 0.8;
  double click_probability = 0.6;
  double typing_probability = 0.1;
  /// How this visitor scrolls: "wheel" (100 px notches), "touchpad" (small deltas with momentum)
  /// or "mixed" (drawn per session, 70 % wheel). engine/journey/human_dispatch.hpp.
  std::string input_device = "mixed";
  /// How this visitor types: "novice", "average", "expert" or "mixed" (20/60/20 %, per session).
  std::string typing_skill = "mixed";
  /// What this visitor does with a popup or new tab a click opens: "record" (a visit of the
  /// session, then closed), "follow" (the journey goes on in the new tab; the opener is closed)
  /// or "close" (closed at once, no visit). engine/journey/popups.hpp.
  std::string popups = "record";
};

/// A campaign: how many sessions of which persona against which site.
struct campaign {
  uuid id;
  std::string name;
  std::string description;
  std::string target_url;
  int total_sessions = 1;
  int concurrent_sessions = 10;
  campaign_status status = campaign_status::pending;
  uuid persona_id;
  int rate_limit_delay_ms = 1000;
  bool user_agent_rotation = true;
  bool respect_robots_txt = true;
  std::uint64_t seed = 0;
  /// Options beyond the spec's columns (user_agents, viewports, session_timeout, …), kept as JSON.
  nlohmann::json settings = nlohmann::json::object();
  time_point created_at{};
  std::optional<time_point> started_at;
  std::optional<time_point> completed_at;
};

/// One simulated visitor's session.
struct session_row {
  uuid id;
  uuid campaign_id;
  uuid persona_id;
  int session_index = 0;  ///< 0-based index within the campaign; seeds the session's RNG
  session_status status = session_status::pending;
  std::string start_url;
  std::string user_agent;
  int viewport_width = 1920;
  int viewport_height = 1080;
  std::optional<int> session_duration_ms;
  int pages_visited = 0;
  int total_actions = 0;
  std::optional<std::string> error_message;
  std::optional<std::string> screenshot_path;
  time_point created_at{};
  std::optional<time_point> started_at;
  std::optional<time_point> completed_at;
  /// Which attempt this is (1 first; raised when a lost worker's session is reclaimed). The
  /// writer's fencing token: a row whose attempt is not the session's current one is dropped.
  /// 0 means unfenced (rows written outside a claimed run: tests, imports).
  int attempt = 0;
  std::optional<std::string> claimed_by;        ///< read back only (the claim sets it)
  std::optional<time_point> lease_expires_at;  ///< read back only (claims and heartbeats set it)
  /// Open-model arrivals (migration 0050): planned start, ms after the campaign's arrival epoch
  /// (set at materialization; none in the closed model), and how late the session left pending
  /// (read back only; the claim or the drop sets it).
  std::optional<std::int64_t> planned_offset_ms;
  std::optional<std::int64_t> start_lateness_ms;
  /// NULs and ill-formed UTF-8 sequences replaced by U+FFFD in this row's text (migration 0100;
  /// set by the writer, storage/storable_text.hpp).
  int text_repairs = 0;
  /// Rows of this session the database refused, kept in the writer's rejected-*.jsonl (migration
  /// 0100; read back only: the writer counts them as it rejects them). Nonzero means the
  /// session's counts include rows that are not stored.
  int rows_rejected = 0;
};

/// One page within a session; written when the page is left (left_at known).
struct page_visit_row {
  uuid id;
  uuid session_id;
  std::string url;
  std::string title;
  int visit_order = 1;  ///< 1-based
  time_point arrived_at{};
  std::optional<time_point> left_at;
  int actions_count = 0;
  int scroll_depth_percent = 0;
  // Navigation timing of the page, milliseconds from navigation start (absent if not measured).
  std::optional<double> ttfb_ms;
  std::optional<double> dom_content_loaded_ms;
  std::optional<double> load_ms;
  int console_errors = 0;
  int failed_requests = 0;
  /// The session attempt that recorded this page (fencing token, see session_row::attempt); not
  /// a column: a reclaimed session's earlier pages are deleted before its next attempt writes.
  int attempt = 0;
  bool saturated = false;  ///< measured while footfall was saturated (engine/observe/saturation.hpp)
  /// How the visitor got here: cross_document, same_document (SPA route), new_target (popup).
  std::optional<std::string> navigation_kind;
  /// NULs and ill-formed UTF-8 sequences replaced by U+FFFD in the visit's and its actions' text
  /// (migration 0100; set by the writer, storage/storable_text.hpp).
  int text_repairs = 0;
  // Core Web Vitals (migration 0105; cdp/vitals.hpp has their definitions), final when the visit
  // ended; absent when not measured or when the page never produced the entry.
  std::optional<double> lcp_ms;
  std::optional<double> cls;
  std::optional<double> inp_ms;
  std::optional<double> fcp_ms;
  /// How many requests rows the visit has; absent when requests were not recorded (page health
  /// off). Set by the recorder to page_record::requests.size().
  std::optional<int> request_count;
};

/// One network request a page made (migration 0105, cdp/request_log.hpp). Times of the phases
/// are HAR's, in ms; absent where a phase does not apply.
struct request_row {
  uuid id;
  uuid page_visit_id;
  time_point page_arrived_at{};  ///< the parent's partition key, as for actions
  int request_order = 1;         ///< 1-based, in the order the requests started
  std::string url;               ///< without credentials (user:password@ is removed)
  std::string method = "GET";
  std::string resource_type;     ///< CDP's Network.ResourceType: Document, Script, Image, Fetch ...
  std::optional<int> status;     ///< absent when no response arrived
  bool failed = false;           ///< loadingFailed, not canceled: error_text says why
  bool canceled = false;         ///< given up by the page (navigation) or when the visit ended
  std::optional<std::string> error_text;
  bool from_cache = false;
  std::optional<std::int64_t> encoded_bytes;  ///< bytes on the wire (headers + body)
  std::optional<std::string> mime_type;
  std::optional<std::string> protocol;        ///< http/1.1, h2 ...
  std::optional<std::string> redirect_url;    ///< a 3xx hop's Location (credentials removed)
  time_point started_at{};
  double duration_ms = 0;
  std::optional<double> blocked_ms, dns_ms, connect_ms, ssl_ms, send_ms, wait_ms, receive_ms;
};

/// One action on a page.
struct action_row {
  uuid id;
  uuid page_visit_id;
  /// The parent's partition key: actions reference page_visits(id, arrived_at).
  time_point page_arrived_at{};
  action_type type = action_type::click;
  std::optional<std::string> element_selector;
  std::optional<std::string> element_text;
  std::optional<int> x;  ///< viewport CSS pixels
  std::optional<int> y;
  std::optional<std::string> input_value;  ///< redacted for password / card-number fields
  time_point timestamp{};
  int action_order = 1;  ///< 1-based, sequential within the page visit
  int duration_ms = 0;
  /// Timing fidelity: how much later than planned the timers pacing this action fired.
  std::optional<int> start_lag_ms;
  /// What the action caused: none, same_document, cross_document, new_target (clicks).
  std::optional<std::string> navigation_kind;
  /// Per-input timing as JSON text (migration 0040): a type action's key holds and gaps, a
  /// click's hold, placement and pointer path, a scroll's wheel deltas (engine/journey/human_dispatch.hpp).
  std::optional<std::string> input_timing;
};

/// A finished page with all its actions and requests: the unit the engine hands to the writer, so
/// a page's actions and requests are never written without their parent row.
struct page_record {
  page_visit_row visit;
  std::vector<action_row> actions;
  std::vector<request_row> requests;
};

}  // namespace footfall::storage
