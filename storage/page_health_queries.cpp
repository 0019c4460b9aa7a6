#include "storage/page_health_queries.hpp"

#include <pqxx/pqxx>
#include <sstream>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"
#include "storage/sql_fields.hpp"

namespace footfall::storage {
namespace {
using detail::opt;
using detail::opt_str;
using detail::to_uuid;

constexpr const char* request_cols =
    "r.id, r.page_visit_id, r.page_arrived_at, r.request_order, r.url, r.method, r.resource_type, "
    "r.status, r.failed, r.canceled, r.error_text, r.from_cache, r.encoded_bytes, r.mime_type, "
    "r.protocol, r.started_at, r.duration_ms, r.blocked_ms, r.dns_ms, r.connect_ms, r.ssl_ms, "
    "r.send_ms, r.wait_ms, r.receive_ms, r.redirect_url";

request_row read_request(const pqxx::row& r) {
  request_row q;
  q.id = to_uuid(r[0]);
  q.page_visit_id = to_uuid(r[1]);
  q.page_arrived_at = parse_sql_time(r[2].c_str());
  q.request_order = r[3].as<int>();
  q.url = r[4].as<std::string>();
  q.method = r[5].as<std::string>();
  q.resource_type = r[6].as<std::string>();
  q.status = opt<int>(r[7]);
  q.failed = r[8].as<bool>();
  q.canceled = r[9].as<bool>();
  q.error_text = opt_str(r[10]);
  q.from_cache = r[11].as<bool>();
  q.encoded_bytes = opt<std::int64_t>(r[12]);
  q.mime_type = opt_str(r[13]);
  q.protocol = opt_str(r[14]);
  q.started_at = parse_sql_time(r[15].c_str());
  q.duration_ms = r[16].as<double>();
  q.blocked_ms = opt<double>(r[17]);
  q.dns_ms = opt<double>(r[18]);
  q.connect_ms = opt<double>(r[19]);
  q.ssl_ms = opt<double>(r[20]);
  q.send_ms = opt<double>(r[21]);
  q.wait_ms = opt<double>(r[22]);
  q.receive_ms = opt<double>(r[23]);
  q.redirect_url = opt_str(r[24]);
  return q;
}

request_url_summary read_url_summary(const pqxx::row& row) {
  request_url_summary s;
  s.url = row[0].as<std::string>();
  s.requests = row[1].as<std::int64_t>();
  s.failed = row[2].as<std::int64_t>();
  s.errors = row[3].as<std::int64_t>();
  s.statuses = row[4].is_null() ? "" : row[4].as<std::string>();
  s.p50_ms = row[5].as<double>();
  s.p95_ms = row[6].as<double>();
  s.max_ms = row[7].as<double>();
  return s;
}

visit_vitals read_vitals(const pqxx::row& r) {
  visit_vitals v;
  v.visit_id = to_uuid(r[0]);
  v.session_id = to_uuid(r[1]);
  v.url_path = r[2].as<std::string>();
  v.lcp_ms = opt<double>(r[3]);
  v.cls = opt<double>(r[4]);
  v.inp_ms = opt<double>(r[5]);
  v.fcp_ms = opt<double>(r[6]);
  v.ttfb_ms = opt<double>(r[7]);
  v.saturated = r[8].as<bool>();
  return v;
}

// One line a string, from a newline-separated string_agg (NULL: none).
std::vector<std::string> lines(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  std::istringstream in(f.as<std::string>());
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

endpoint_outcome read_endpoint(const pqxx::row& r) {
  endpoint_outcome e;
  e.endpoint = r[0].as<std::string>();
  e.requests = r[1].as<std::int64_t>();
  e.errors = r[2].as<std::int64_t>();
  e.error_visits = r[3].as<std::int64_t>();
  e.statuses = r[4].is_null() ? "" : r[4].as<std::string>();
  e.example_url = r[5].is_null() ? "" : r[5].as<std::string>();
  e.pages = lines(r[6]);
  e.error_pages = lines(r[7]);
  return e;
}

// Per URL of one campaign's requests; `filter` and `order` are compile-time SQL fragments.
std::vector<request_url_summary> url_summaries(connection& c, const uuid& campaign_id, int limit,
                                               const char* filter, const char* order) {
  const std::string sql = std::string(
      "WITH r AS (SELECT r.* FROM requests r JOIN page_visits pv ON pv.id = r.page_visit_id "
      "AND pv.arrived_at = r.page_arrived_at JOIN sessions s ON s.id = pv.session_id "
      "WHERE s.campaign_id = $1), "
      "per_outcome AS (SELECT url, COALESCE(status::text, error_text, 'no response') AS outcome, "
      "count(*) AS n FROM r GROUP BY 1, 2) "
      "SELECT r.url, count(*), count(*) FILTER (WHERE r.failed), "
      "count(*) FILTER (WHERE r.failed OR r.status >= 400), "
      "(SELECT string_agg(o.outcome || ' x' || o.n, ', ' ORDER BY o.n DESC, o.outcome) "
      "   FROM per_outcome o WHERE o.url = r.url), "
      "percentile_cont(0.5) WITHIN GROUP (ORDER BY r.duration_ms), "
      "percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms), max(r.duration_ms) "
      "FROM r WHERE ") + filter + " GROUP BY r.url HAVING count(*) > 0 ORDER BY " + order +
      " LIMIT $2";
  return detail::read_rows(c, "summarizing requests of campaign " + campaign_id.str(), sql,
                           read_url_summary, campaign_id.str(), limit);
}

}  // namespace

std::vector<request_row> load_session_requests(connection& c, const uuid& session_id) {
  return detail::read_rows(c, "reading the requests of session " + session_id.str(),
                           std::string("SELECT ") + request_cols +
                               " FROM requests r JOIN page_visits pv ON pv.id = r.page_visit_id "
                               "AND pv.arrived_at = r.page_arrived_at WHERE pv.session_id = $1 "
                               "ORDER BY pv.visit_order, r.request_order",
                           read_request, session_id.str());
}

std::vector<visit_vitals> load_visit_vitals(connection& c, const uuid& campaign_id) {
  return detail::read_rows(
      c, "reading the vitals of campaign " + campaign_id.str(),
      "SELECT pv.id, pv.session_id, rollup_url_path(pv.url), pv.lcp_ms, pv.cls, pv.inp_ms, "
      "pv.fcp_ms, pv.ttfb_ms, pv.saturated FROM page_visits pv JOIN sessions s ON s.id = pv.session_id "
      "WHERE s.campaign_id = $1 AND (pv.lcp_ms IS NOT NULL OR pv.cls IS NOT NULL OR "
      "pv.inp_ms IS NOT NULL OR pv.fcp_ms IS NOT NULL) ORDER BY pv.arrived_at",
      read_vitals, campaign_id.str());
}

std::vector<endpoint_outcome> load_request_endpoints(connection& c, const uuid& campaign_id) {
  return detail::read_rows(
      c, "reading the request endpoints of campaign " + campaign_id.str(),
      "WITH r AS (SELECT r.*, rollup_url_host(r.url) || rollup_url_path(r.url) AS endpoint, "
      "(r.failed OR r.status >= 400) AS bad, rollup_url_path(pv.url) AS page "
      "FROM requests r JOIN page_visits pv ON "
      "pv.id = r.page_visit_id AND pv.arrived_at = r.page_arrived_at JOIN sessions s ON "
      "s.id = pv.session_id WHERE s.campaign_id = $1) "
      "SELECT endpoint, count(*), count(*) FILTER (WHERE bad), "
      "count(DISTINCT page_visit_id) FILTER (WHERE bad), "
      "string_agg(DISTINCT COALESCE(status::text, error_text, 'no response'), ', ') "
      "FILTER (WHERE bad), min(url) FILTER (WHERE bad), "
      // Paths never hold a raw newline (URLs are percent-encoded): a safe separator.
      "string_agg(DISTINCT page, E'\\n'), string_agg(DISTINCT page, E'\\n') FILTER (WHERE bad) "
      "FROM r GROUP BY endpoint ORDER BY endpoint",
      read_endpoint, campaign_id.str());
}

std::vector<request_url_summary> load_failed_requests(connection& c, const uuid& campaign_id,
                                                      int limit) {
  return url_summaries(c, campaign_id, limit, "(r.failed OR r.status >= 400)",
                       "4 DESC, 1");
}

std::vector<request_url_summary> load_slowest_requests(connection& c, const uuid& campaign_id,
                                                       int limit) {
  return url_summaries(c, campaign_id, limit, "NOT r.from_cache AND NOT r.canceled",
                       "7 DESC, 1");
}

}  // namespace footfall::storage
