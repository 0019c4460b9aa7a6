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
};

/// Every visit of the campaign that has at least one vital, by arrived_at. For reports and for
/// compare (p75 per path).
std::vector<visit_vitals> load_visit_vitals(connection& c, const uuid& campaign_id);

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
