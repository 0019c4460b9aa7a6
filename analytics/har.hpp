#pragma once
/// HAR 1.2 of a recorded session (http://www.softwareishard.com/blog/har-12-spec/): pages are its
/// page visits, entries its requests (storage/records.hpp request_row) with their timing phases.
/// Bodies are never recorded, so content.text is absent (as Playwright's content: "omit");
/// headers are not recorded either: response.headers holds only the Content-Type the response
/// declared (its mimeType) and, for a redirect, its Location, which is what a HAR consumer
/// needs to serve the response again (Playwright's routeFromHAR).
/// Vitals ride on each page as custom fields (_lcp, _cls, _inp, _fcp, _ttfb; HAR's custom
/// fields start with "_"); a failed request has response.status 0 and _error.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/records.hpp"

namespace footfall::analytics {

/// The HAR document. `creator_version`: footfall's version.
nlohmann::json build_har(const storage::session_row& session,
                         const std::vector<storage::page_visit_row>& visits,
                         const std::vector<storage::request_row>& requests,
                         const std::string& creator_version);

/// ISO 8601 in UTC with milliseconds ("2026-12-06T05:21:03.123Z").
std::string iso8601(storage::time_point t);

}  // namespace footfall::analytics
