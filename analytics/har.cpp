#include "analytics/har.hpp"

#include <cctype>
#include <cstdio>
#include <map>

namespace footfall::analytics {
namespace {
using nlohmann::json;

std::string http_version(const std::optional<std::string>& protocol) {
  if (!protocol || protocol->empty()) return "HTTP/1.1";
  std::string p = *protocol;
  if (p.rfind("http/", 0) == 0)
    for (auto& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return p;  // h2, h3 as Chromium names them (Chrome's own HAR export does the same)
}

json query_string(const std::string& url) {
  json out = json::array();
  const auto q = url.find('?');
  if (q == std::string::npos) return out;
  const auto end = url.find('#', q);
  const std::string qs = url.substr(q + 1, end == std::string::npos ? std::string::npos : end - q - 1);
  std::size_t i = 0;
  while (i <= qs.size()) {
    const auto amp = qs.find('&', i);
    const auto part = qs.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
    if (!part.empty()) {
      const auto eq = part.find('=');
      out.push_back({{"name", part.substr(0, eq)},
                     {"value", eq == std::string::npos ? "" : part.substr(eq + 1)}});
    }
    if (amp == std::string::npos) break;
    i = amp + 1;
  }
  return out;
}

double phase(const std::optional<double>& v) { return v ? *v : -1.0; }

// HAR: send, wait and receive are required and >= 0; the others -1 when they do not apply; time
// is the sum of the timings that apply, ssl excluded (it is part of connect). A request without
// a breakdown (failed before a response, served from the cache) reports its whole duration as
// blocked, so that time still equals its duration.
json timings(const storage::request_row& r, double& total) {
  json t{{"blocked", phase(r.blocked_ms)}, {"dns", phase(r.dns_ms)},
         {"connect", phase(r.connect_ms)}, {"ssl", phase(r.ssl_ms)},
         {"send", r.send_ms.value_or(0)},  {"wait", r.wait_ms.value_or(0)},
         {"receive", r.receive_ms.value_or(0)}};
  if (!r.wait_ms && !r.blocked_ms) t["blocked"] = r.duration_ms;
  total = 0;
  for (const char* k : {"blocked", "dns", "connect", "send", "wait", "receive"})
    if (t[k].get<double>() > 0) total += t[k].get<double>();
  return t;
}

json entry(const storage::request_row& r, const std::string& pageref) {
  json headers = json::array();
  if (r.mime_type && !r.mime_type->empty())
    headers.push_back({{"name", "Content-Type"}, {"value", *r.mime_type}});
  if (r.redirect_url) headers.push_back({{"name", "Location"}, {"value", *r.redirect_url}});
  double total = 0;
  auto t = timings(r, total);
  json e{{"pageref", pageref},
         {"startedDateTime", iso8601(r.started_at)},
         {"time", total},
         {"request",
          {{"method", r.method}, {"url", r.url}, {"httpVersion", http_version(r.protocol)},
           {"cookies", json::array()}, {"headers", json::array()},
           {"queryString", query_string(r.url)}, {"headersSize", -1}, {"bodySize", -1}}},
         {"response",
          {{"status", r.status.value_or(0)}, {"statusText", ""},
           {"httpVersion", http_version(r.protocol)}, {"cookies", json::array()},
           {"headers", headers},
           {"content",
            {{"size", r.encoded_bytes.value_or(0)},
             {"mimeType", r.mime_type.value_or("x-unknown")}}},
           {"redirectURL", r.redirect_url.value_or("")}, {"headersSize", -1},
           {"bodySize", r.encoded_bytes ? *r.encoded_bytes : -1}}},
         {"cache", json::object()},
         {"timings", std::move(t)},
         {"_resourceType", r.resource_type},
         {"_fromCache", r.from_cache},
         {"_durationMs", r.duration_ms}};
  if (r.failed) e["_failed"] = true;
  if (r.canceled) e["_canceled"] = true;
  if (r.error_text) e["_error"] = *r.error_text;
  return e;
}

void put(json& j, const char* k, const std::optional<double>& v) {
  if (v) j[k] = *v;
}

}  // namespace

std::string iso8601(storage::time_point t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()));
  std::string s = buf;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(hms.subseconds().count()));
  s.insert(s.size() - 1, frac);
  return s;
}

json build_har(const storage::session_row& session,
               const std::vector<storage::page_visit_row>& visits,
               const std::vector<storage::request_row>& requests,
               const std::string& creator_version) {
  json pages = json::array();
  std::map<std::string, std::string> pageref;
  for (const auto& v : visits) {
    const std::string id = "page_" + std::to_string(v.visit_order);
    pageref[v.id.str()] = id;
    json p{{"startedDateTime", iso8601(v.arrived_at)},
           {"id", id},
           {"title", v.title.empty() ? v.url : v.title},
           {"pageTimings",
            {{"onContentLoad", v.dom_content_loaded_ms.value_or(-1)},
             {"onLoad", v.load_ms.value_or(-1)}}},
           {"_url", v.url},
           {"_visitId", v.id.str()}};
    put(p, "_lcp", v.lcp_ms);
    put(p, "_cls", v.cls);
    put(p, "_inp", v.inp_ms);
    put(p, "_fcp", v.fcp_ms);
    put(p, "_ttfb", v.ttfb_ms);
    pages.push_back(std::move(p));
  }
  json entries = json::array();
  for (const auto& r : requests) entries.push_back(entry(r, pageref[r.page_visit_id.str()]));
  return {{"log",
           {{"version", "1.2"},
            {"creator", {{"name", "footfall"}, {"version", creator_version}}},
            {"pages", std::move(pages)},
            {"entries", std::move(entries)},
            {"comment", "footfall session " + session.id.str() + " (" + session.start_url +
                            "); response bodies and headers are not recorded"}}}};
}

}  // namespace footfall::analytics
