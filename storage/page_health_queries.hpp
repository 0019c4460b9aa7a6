#pragma once
/// Reads of page health (migration 0105): a session's requests (HAR export, session page), the
/// vitals of a campaign's visits (reports, compare) and its failed and slowest requests by URL.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// The session's requests, by visit_order then request_order.
std::vector<request_row> load_session_requests(connection& c, const uuid& session_id);

/// One page visit's vitals, with the path it is judged under.
struct visit_vitals {
  uuid visit_id;
  uuid session_id;
  std::string url_path;  ///< rollup_url_path(url): scheme and host, query and fragment removed
  std::optional<double> lcp_ms, cls, inp_ms, fcp_ms, ttfb_ms;
  bool saturated = false;  ///< measured while footfall was saturated (compare leaves its timings out)
};

/// Every visit of the campaign that has at least one vital, by arrived_at. For reports and for
/// compare (p75 per path).
std::vector<visit_vitals> load_visit_vitals(connection& c, const uuid& campaign_id);

/// A campaign's requests to one endpoint (host + path: no scheme, query or fragment, as in
/// endpoint_rollups), for compare's newly failing URLs.
struct endpoint_outcome {
  std::string endpoint;           ///< rollup_url_host(url) || rollup_url_path(url)
  std::int64_t requests = 0;
  std::int64_t errors = 0;        ///< failed (not canceled) or a response >= 400
  std::int64_t error_visits = 0;  ///< distinct page visits with such an error
  std::string statuses;           ///< the errors' outcomes, e.g. "500, net::ERR_CONNECTION_REFUSED"
  std::string example_url;        ///< one failing URL in full (query kept), credentials removed
  std::vector<std::string> pages;        ///< paths of the page visits that requested it
  std::vector<std::string> error_pages;  ///< paths of the page visits in which it failed
};

/// Every endpoint the campaign's pages requested, by endpoint. Empty when no requests were
/// recorded (page health off, or a campaign from before migration 0105).
std::vector<endpoint_outcome> load_request_endpoints(connection& c, const uuid& campaign_id);

/// Requests of one URL (query kept), summed over a campaign.
struct request_url_summary {
  std::string url;
  std::int64_t requests = 0;
  std::int64_t failed = 0;    ///< no response (loadingFailed, not canceled)
  std::int64_t errors = 0;    ///< failed + responses >= 400
  std::string statuses;       ///< e.g. "404 x3, 200 x1"; failures as their error_text
  double p50_ms = 0, p95_ms = 0, max_ms = 0;
};

/// The URLs with errors (failed or >= 400), most errors first.
std::vector<request_url_summary> load_failed_requests(connection& c, const uuid& campaign_id,
                                                      int limit);
/// The URLs with the slowest p95 duration (cached and canceled requests left out).
std::vector<request_url_summary> load_slowest_requests(connection& c, const uuid& campaign_id,
                                                       int limit);

}  // namespace footfall::storage
