#pragma once
/// A page's requests from the Network domain's events, sans-io: feed it the events of one page
/// session (requestWillBeSent, responseReceived, loadingFinished, loadingFailed,
/// requestServedFromCache) and take the finished requests, each with HAR's timing phases. Knows
/// nothing of sockets, storage or personas; unit-tested from recorded event JSON.
///
/// Network.enable is sent with small buffers (network_enable_params): Blink keeps response bodies
/// for Network.getResponseBody, by default up to 200 MB per renderer (inspector_network_agent.cc
/// kDefaultTotalBufferSize); footfall never reads a body, so it asks for none to be kept.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cdp/json.hpp"
#include "cdp/network_event.hpp"

namespace footfall::cdp {

/// One finished request (one hop of a redirect chain is one request, as in HAR).
struct request_record {
  std::string request_id;
  std::string frame_id, loader_id;
  std::string url;  ///< credentials (user:password@) removed
  std::string method = "GET";
  std::string resource_type;  ///< Network.ResourceType: Document, Script, Image, Fetch, ...
  std::optional<int> status;  ///< absent when no response arrived
  std::string status_text;
  bool failed = false;    ///< loadingFailed and not canceled
  bool canceled = false;  ///< loadingFailed canceled, or still open when the log was closed
  std::optional<std::string> error_text;
  bool from_cache = false;
  std::optional<std::int64_t> encoded_bytes;
  std::string mime_type, protocol, remote_ip, redirect_url;
  std::chrono::system_clock::time_point started_at{};
  double duration_ms = 0;
  /// HAR 1.2 phases in ms (sitespeedio/chrome-har's mapping); absent where n/a.
  std::optional<double> blocked_ms, dns_ms, connect_ms, ssl_ms, send_ms, wait_ms, receive_ms;
};

/// Removes user:password@ from a URL's authority; anything else is returned unchanged.
std::string without_credentials(const std::string& url);

/// Network.enable's parameters: no response body kept (see above).
json network_enable_params();

/// The event methods request_log consumes (network_method_names).
extern const char* const (&request_log_events)[5];

/// The requests of one page. Not thread-safe: fed from the page's io thread.
class request_log {
 public:
  /// Feeds one Network event (method without the session); others are ignored.
  void on_event(std::string_view method, const json& params);
  /// The same from the event's params as text (connection::subscribe_text): read without
  /// building a JSON document, or parsed whole when the text is not what object_view reads.
  void on_event_text(std::string_view method, std::string_view params);
  /// The requests finished since the last take(), in the order they started.
  std::vector<request_record> take();
  /// Ends every open request as canceled ("unfinished when the visit ended"), dated `now`
  /// (a monotonic timestamp in Chromium's seconds, from the last event seen if absent), and
  /// returns them with whatever had finished.
  std::vector<request_record> close(std::optional<double> now = std::nullopt);
  /// A URL footfall itself loads through the page's session (robots.txt via
  /// Network.loadNetworkResource): its requests are not the page's and are dropped.
  void ignore_url(std::string url) { ignored_.insert(std::move(url)); }
  std::size_t open() const { return open_.size(); }

 private:
  struct pending {
    request_record r;
    double start_ts = 0;  ///< Chromium's monotonic seconds
    std::optional<timing_marks> timing;
  };
  void apply(network_method m, const network_event& e);
  void start(const network_event& e);
  void finish(pending&& p, double end_ts, std::optional<std::int64_t> bytes);
  std::map<std::string, pending> open_;
  std::vector<request_record> done_;
  std::set<std::string> ignored_;
  double last_ts_ = 0;
};

}  // namespace footfall::cdp
