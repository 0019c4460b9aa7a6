#include "cdp/request_log.hpp"

#include <algorithm>
#include <cmath>
#include <utility>


namespace footfall::cdp {
namespace {

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
std::optional<double> span(std::optional<double> from, std::optional<double> to) {
  const double a = from.value_or(-1), b = to.value_or(-1);
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
void phases(request_record& r, const timing_marks& t, double start_ts, double end_ts) {
  const double request_time = t.request_time.value_or(start_ts);
  const double queued = std::max(0.0, (request_time - start_ts) * 1000.0);
  r.dns_ms = span(t.dns_start, t.dns_end);
  r.connect_ms = span(t.connect_start, t.connect_end);  // HAR: includes ssl
  r.ssl_ms = span(t.ssl_start, t.ssl_end);
  const double send_start = std::max(0.0, t.send_start.value_or(0));
  r.blocked_ms =
      std::max(0.0, queued + send_start - r.dns_ms.value_or(0) - r.connect_ms.value_or(0));
  const double send_end = std::max(0.0, t.send_end.value_or(0));
  r.send_ms = span(t.send_start, t.send_end).value_or(0);
  const double headers_end = std::max(send_end, t.receive_headers_end.value_or(send_end));
  r.wait_ms = headers_end - send_end;
  r.receive_ms = std::max(0.0, (end_ts - request_time) * 1000.0 - headers_end);
}

void apply_response(request_record& r, const response_fields& res) {
  r.status = static_cast<int>(res.status.value_or(0));
  if (*r.status < 100 || *r.status > 999) r.status.reset();  // 0: no HTTP status (file:, ...)
  r.status_text = res.status_text;
  r.mime_type = res.mime_type;
  r.protocol = res.protocol;
  r.remote_ip = res.remote_ip;
  if (res.from_disk_cache || res.from_prefetch_cache || res.from_service_worker)
    r.from_cache = true;
}

std::optional<std::int64_t> byte_count(std::optional<double> v) {
  return v && *v >= 0 ? std::optional<std::int64_t>(std::llround(*v)) : std::nullopt;
}

}  // namespace

const char* const (&request_log_events)[5] = network_method_names;

json network_enable_params() {
  // 0 would mean "the default" in some Chromium versions; 1 byte keeps nothing useful.
  return {{"maxTotalBufferSize", 1}, {"maxResourceBufferSize", 1}, {"maxPostDataSize", 0}};
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

void request_log::start(const network_event& e) {
  std::string url = e.url + e.url_fragment;
  if (not_network(url) || ignored_.count(url)) return;
  pending q;
  q.r.request_id = e.request_id;
  q.r.frame_id = e.frame_id;
  q.r.loader_id = e.loader_id;
  q.r.url = without_credentials(url);
  q.r.method = e.method.empty() ? "GET" : e.method;
  q.r.resource_type = e.type.empty() ? "Other" : e.type;
  q.start_ts = e.timestamp.value_or(last_ts_);
  q.r.started_at = from_wall(e.wall_time.value_or(0));
  open_[q.r.request_id] = std::move(q);
}

void request_log::finish(pending&& p, double end_ts, std::optional<std::int64_t> bytes) {
  auto& r = p.r;
  r.duration_ms = std::max(0.0, (end_ts - p.start_ts) * 1000.0);
  if (p.timing) phases(r, *p.timing, p.start_ts, end_ts);
  if (bytes && *bytes >= 0) r.encoded_bytes = bytes;
  done_.push_back(std::move(r));
}

void request_log::on_event(std::string_view method, const json& params) {
  if (const auto m = network_method_of(method)) apply(*m, network_event_of(*m, params));
}

void request_log::on_event_text(std::string_view method, std::string_view params) {
  const auto m = network_method_of(method);
  if (!m) return;
  // Text that does not parse at all is dropped, as the connection drops it.
  if (const auto e = network_event_of_text(*m, params)) apply(*m, *e);
}

void request_log::apply(network_method m, const network_event& e) {
  if (const double ts = e.timestamp.value_or(-1); ts > last_ts_) last_ts_ = ts;
  const double at = e.timestamp.value_or(last_ts_);
  const auto it = open_.find(e.request_id);
  if (m == network_method::request_will_be_sent) {
    // A redirect reuses the request id: the hop that ended with the 3xx is a request of its own.
    if (it != open_.end() && e.has_redirect_response) {
      auto hop = std::move(it->second);
      open_.erase(it);
      apply_response(hop.r, e.response);
      if (e.response.timing) hop.timing = e.response.timing;
      hop.r.redirect_url = without_credentials(e.url);
      finish(std::move(hop), at, byte_count(e.response.encoded_data_length));
    }
    start(e);
    return;
  }
  if (it == open_.end()) return;
  auto& q = it->second;
  switch (m) {
    case network_method::response_received:
      apply_response(q.r, e.response);
      if (e.response.timing) q.timing = e.response.timing;
      if (!e.type.empty()) q.r.resource_type = e.type;
      break;
    case network_method::served_from_cache:
      q.r.from_cache = true;
      break;
    case network_method::loading_finished: {
      auto done = std::move(q);
      open_.erase(it);
      finish(std::move(done), at, byte_count(e.encoded_data_length));
      break;
    }
    case network_method::loading_failed: {
      auto done = std::move(q);
      open_.erase(it);
      // Canceled (net::ERR_ABORTED when the page navigates away or drops an image) is the page
      // giving the request up, not the request failing; a blocked request says by what.
      done.r.canceled = e.canceled;
      done.r.failed = !done.r.canceled;
      std::string why = e.error_text;
      if (!e.blocked_reason.empty()) why += " (blocked: " + e.blocked_reason + ")";
      if (!why.empty()) done.r.error_text = why;
      finish(std::move(done), at, std::nullopt);
      break;
    }
    case network_method::request_will_be_sent:
      break;
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
