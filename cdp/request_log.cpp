#include "cdp/request_log.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace footfall::cdp {
namespace {

const json& obj(const json& j, const char* key) {
  static const json empty = json::object();
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}
double num(const json& j, const char* key, double fallback = -1) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}
std::string text(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::chrono::system_clock::time_point from_wall(double seconds) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<
      std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds)));
}

// Not network requests: the browser resolves them itself (chrome-har leaves them out too).
bool not_network(const std::string& url) {
  return url.rfind("data:", 0) == 0 || url.rfind("blob:", 0) == 0 ||
         url.rfind("about:", 0) == 0 || url.rfind("chrome-extension:", 0) == 0;
}

// A span of ResourceTiming (ms after requestTime; -1 when the phase did not happen).
std::optional<double> span(const json& t, const char* from, const char* to) {
  const double a = num(t, from), b = num(t, to);
  if (a < 0 || b < 0) return std::nullopt;
  return std::max(0.0, b - a);
}

// HAR's phases from Network.ResourceTiming, the mapping of sitespeedio/chrome-har
// (lib/entryFromResponse.js, lib/finaliseEntry.js), except for blocked: everything before the
// request was sent that was neither DNS nor connecting — the wait before Chromium started it
// (requestTime - requestWillBeSent.timestamp) and the gaps between the phases (chrome-har drops
// those, and its phases fall short of the duration by a few ms) — so that the phases add up to
// the request's duration. Playwright's HAR had receive -1 (playwright#19327) and no blocked
// (#30997): both are always set here.
void phases(request_record& r, const json& t, double start_ts, double end_ts) {
  const double request_time = num(t, "requestTime", start_ts);
  const double queued = std::max(0.0, (request_time - start_ts) * 1000.0);
  r.dns_ms = span(t, "dnsStart", "dnsEnd");
  r.connect_ms = span(t, "connectStart", "connectEnd");  // HAR: includes ssl
  r.ssl_ms = span(t, "sslStart", "sslEnd");
  const double send_start = std::max(0.0, num(t, "sendStart", 0));
  r.blocked_ms = std::max(0.0, queued + send_start - r.dns_ms.value_or(0) - r.connect_ms.value_or(0));
  const double send_end = std::max(0.0, num(t, "sendEnd", 0));
  r.send_ms = span(t, "sendStart", "sendEnd").value_or(0);
  const double headers_end = std::max(send_end, num(t, "receiveHeadersEnd", send_end));
  r.wait_ms = headers_end - send_end;
  r.receive_ms = std::max(0.0, (end_ts - request_time) * 1000.0 - headers_end);
}

void apply_response(request_record& r, const json& res) {
  r.status = static_cast<int>(num(res, "status", 0));
  if (*r.status < 100 || *r.status > 999) r.status.reset();  // 0: no HTTP status (file:, ...)
  r.status_text = text(res, "statusText");
  r.mime_type = text(res, "mimeType");
  r.protocol = text(res, "protocol");
  r.remote_ip = text(res, "remoteIPAddress");
  if (res.value("fromDiskCache", false) || res.value("fromPrefetchCache", false) ||
      res.value("fromServiceWorker", false))
    r.from_cache = true;
}

}  // namespace

const char* const request_log_events[5] = {
    "Network.requestWillBeSent", "Network.responseReceived", "Network.loadingFinished",
    "Network.loadingFailed", "Network.requestServedFromCache"};

const char* const request_log_projected_events[2] = {"Network.requestWillBeSent",
                                                      "Network.responseReceived"};

const event_projection& request_log_projection() {
  // Every member start(), on_event() and apply_response() read, and the objects on their way.
  static const event_projection p(
      {"requestId", "frameId", "loaderId", "type", "timestamp", "wallTime", "request", "url",
       "urlFragment", "method", "redirectResponse", "response", "status", "statusText",
       "mimeType", "protocol", "remoteIPAddress", "fromDiskCache", "fromPrefetchCache",
       "fromServiceWorker", "encodedDataLength"},
      {"timing"});
  return p;
}

std::string without_credentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto auth = scheme + 3;
  const auto end = url.find_first_of("/?#", auth);
  const auto at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < auth) return url;
  return url.substr(0, auth) + url.substr(at + 1);
}

json network_enable_params() {
  // 0 would mean "the default" in some Chromium versions; 1 byte keeps nothing useful.
  return {{"maxTotalBufferSize", 1}, {"maxResourceBufferSize", 1}, {"maxPostDataSize", 0}};
}

void request_log::start(const json& p) {
  const auto& req = obj(p, "request");
  std::string url = text(req, "url") + text(req, "urlFragment");
  if (not_network(url) || ignored_.count(url)) return;
  pending q;
  q.r.request_id = text(p, "requestId");
  q.r.frame_id = text(p, "frameId");
  q.r.loader_id = text(p, "loaderId");
  q.r.url = without_credentials(url);
  q.r.method = text(req, "method");
  if (q.r.method.empty()) q.r.method = "GET";
  q.r.resource_type = text(p, "type");
  if (q.r.resource_type.empty()) q.r.resource_type = "Other";
  q.start_ts = num(p, "timestamp", last_ts_);
  q.r.started_at = from_wall(num(p, "wallTime", 0));
  open_[q.r.request_id] = std::move(q);
}

void request_log::finish(pending&& p, double end_ts, std::optional<std::int64_t> bytes) {
  auto& r = p.r;
  r.duration_ms = std::max(0.0, (end_ts - p.start_ts) * 1000.0);
  if (p.timing) phases(r, *p.timing, p.start_ts, end_ts);
  if (bytes && *bytes >= 0) r.encoded_bytes = bytes;
  done_.push_back(std::move(r));
}

void request_log::on_event(const std::string& method, const json& p) {
  if (const double ts = num(p, "timestamp"); ts > last_ts_) last_ts_ = ts;
  const auto id = text(p, "requestId");
  const auto it = open_.find(id);
  if (method == "Network.requestWillBeSent") {
    // A redirect reuses the request id: the hop that ended with the 3xx is a request of its own.
    if (it != open_.end() && p.contains("redirectResponse")) {
      auto hop = std::move(it->second);
      open_.erase(it);
      const auto& res = obj(p, "redirectResponse");
      apply_response(hop.r, res);
      if (res.contains("timing")) hop.timing = res["timing"];
      hop.r.redirect_url = without_credentials(text(obj(p, "request"), "url"));
      const double bytes = num(res, "encodedDataLength");
      finish(std::move(hop), num(p, "timestamp", last_ts_),
             bytes >= 0 ? std::optional<std::int64_t>(std::llround(bytes)) : std::nullopt);
    }
    start(p);
    return;
  }
  if (it == open_.end()) return;
  auto& q = it->second;
  if (method == "Network.responseReceived") {
    const auto& res = obj(p, "response");
    apply_response(q.r, res);
    if (res.contains("timing")) q.timing = res["timing"];
    if (auto t = text(p, "type"); !t.empty()) q.r.resource_type = t;
  } else if (method == "Network.requestServedFromCache") {
    q.r.from_cache = true;
  } else if (method == "Network.loadingFinished") {
    const double bytes = num(p, "encodedDataLength");
    auto done = std::move(q);
    open_.erase(it);
    finish(std::move(done), num(p, "timestamp", last_ts_),
           bytes >= 0 ? std::optional<std::int64_t>(std::llround(bytes)) : std::nullopt);
  } else if (method == "Network.loadingFailed") {
    auto done = std::move(q);
    open_.erase(it);
    // Canceled (net::ERR_ABORTED when the page navigates away or drops an image) is the page
    // giving the request up, not the request failing; a blocked request says by what.
    done.r.canceled = p.value("canceled", false);
    done.r.failed = !done.r.canceled;
    std::string e = text(p, "errorText");
    if (const auto why = text(p, "blockedReason"); !why.empty()) e += " (blocked: " + why + ")";
    if (!e.empty()) done.r.error_text = e;
    finish(std::move(done), num(p, "timestamp", last_ts_), std::nullopt);
  }
}

std::vector<request_record> request_log::take() {
  // In the order they started (a redirect's hops in chain order), as HAR lists entries.
  std::stable_sort(done_.begin(), done_.end(), [](const auto& a, const auto& b) {
    return a.started_at < b.started_at;
  });
  return std::exchange(done_, {});
}

std::vector<request_record> request_log::close(std::optional<double> now) {
  const double end = now.value_or(last_ts_);
  // In start order: the map is by id, so sort what is left by when it began.
  std::vector<pending> left;
  for (auto& [id, q] : open_) left.push_back(std::move(q));
  open_.clear();
  std::sort(left.begin(), left.end(),
            [](const pending& a, const pending& b) { return a.start_ts < b.start_ts; });
  for (auto& q : left) {
    q.r.canceled = true;
    q.r.error_text = "unfinished when the visit ended";
    finish(std::move(q), std::max(end, q.start_ts), std::nullopt);
  }
  return take();
}

}  // namespace footfall::cdp
