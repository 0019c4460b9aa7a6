#pragma once
/// What request_log reads of each Network event, as plain values: from the parsed params
/// (network_event_of) or straight from their text (network_event_of_text, json_text.hpp: no JSON
/// document built, the headers and initiator stacks skipped unread). A test requires both to
/// give equal values for every recorded event, so the text path cannot drift from the parsed
/// one. Sans-io.
#include <optional>
#include <string>
#include <string_view>

#include "cdp/json.hpp"

namespace footfall::cdp {

/// The Network events request_log consumes.
enum class network_method {
  request_will_be_sent,
  response_received,
  loading_finished,
  loading_failed,
  served_from_cache
};
/// Their protocol names, in the enum's order.
extern const char* const network_method_names[5];
std::optional<network_method> network_method_of(std::string_view name);

/// The marks of Network.ResourceTiming request_log uses (nullopt: absent or not a number).
struct timing_marks {
  std::optional<double> request_time, dns_start, dns_end, connect_start, connect_end, ssl_start,
      ssl_end, send_start, send_end, receive_headers_end;
  bool operator==(const timing_marks&) const = default;
};

/// The members of a Network.Response request_log uses.
struct response_fields {
  std::optional<double> status, encoded_data_length;
  std::string status_text, mime_type, protocol, remote_ip;
  bool from_disk_cache = false, from_prefetch_cache = false, from_service_worker = false;
  /// Present whenever the member is (every mark nullopt when it is not an object).
  std::optional<timing_marks> timing;
  bool operator==(const response_fields&) const = default;
};

/// One event's values; each method fills what it carries (strings empty, numbers nullopt and
/// flags false otherwise, whatever the event held).
struct network_event {
  std::string request_id;
  std::optional<double> timestamp, wall_time;
  std::string frame_id, loader_id, type;  ///< requestWillBeSent; type also responseReceived
  std::string url, url_fragment, method;  ///< requestWillBeSent's request
  bool has_redirect_response = false;     ///< requestWillBeSent
  response_fields response;  ///< responseReceived's response, requestWillBeSent's redirectResponse
  std::optional<double> encoded_data_length;  ///< loadingFinished
  bool canceled = false;                      ///< loadingFailed
  std::string error_text, blocked_reason;     ///< loadingFailed
  bool operator==(const network_event&) const = default;
};

network_event network_event_of(network_method m, const json& params);
/// From the params' text (read_fields: parsed whole when object_view cannot read it); nullopt
/// when it is not a JSON object at all.
std::optional<network_event> network_event_of_text(network_method m, std::string_view params);

}  // namespace footfall::cdp
