#pragma once
/// The session page's request waterfall (issue 21): per page visit, each request as a bar from
/// its start to its end on the visit's time axis, split into HAR's phases, with its status.
/// Pure, static HTML (CSS bars; no script), like the rest of the session page.
#include <string>
#include <vector>

#include "storage/records.hpp"

namespace footfall::analytics {

/// One <section> per visit that recorded requests; "" when none did.
std::string render_waterfall_html(const std::vector<storage::page_visit_row>& visits,
                                  const std::vector<storage::request_row>& requests);

}  // namespace footfall::analytics
