#include "cdp/network_event.hpp"

#include "cdp/json_text.hpp"

namespace footfall::cdp {

const char* const network_method_names[5] = {
    "Network.requestWillBeSent", "Network.responseReceived", "Network.loadingFinished",
    "Network.loadingFailed", "Network.requestServedFromCache"};

std::optional<network_method> network_method_of(std::string_view name) {
  for (int i = 0; i < 5; ++i)
    if (name == network_method_names[i]) return static_cast<network_method>(i);
  return std::nullopt;
}

namespace {

template <class Source>
timing_marks marks(const Source& t) {
  timing_marks m;
  m.request_time = t.num("requestTime");
  m.dns_start = t.num("dnsStart");
  m.dns_end = t.num("dnsEnd");
  m.connect_start = t.num("connectStart");
  m.connect_end = t.num("connectEnd");
  m.ssl_start = t.num("sslStart");
  m.ssl_end = t.num("sslEnd");
  m.send_start = t.num("sendStart");
  m.send_end = t.num("sendEnd");
  m.receive_headers_end = t.num("receiveHeadersEnd");
  return m;
}

template <class Source>
void read_response(const Source& res, response_fields& f, bool& ok) {
  f.status = res.num("status");
  f.encoded_data_length = res.num("encodedDataLength");
  f.status_text = res.text("statusText");
  f.mime_type = res.text("mimeType");
  f.protocol = res.text("protocol");
  f.remote_ip = res.text("remoteIPAddress");
  f.from_disk_cache = res.is_true("fromDiskCache");
  f.from_prefetch_cache = res.is_true("fromPrefetchCache");
  f.from_service_worker = res.is_true("fromServiceWorker");
  if (res.has("timing")) {
    const auto t = res.object("timing", ok);
    f.timing = t ? marks(*t) : timing_marks{};
  }
}

template <class Source>
network_event read(network_method m, const Source& p, bool& ok) {
  network_event e;
  e.request_id = p.text("requestId");
  e.timestamp = p.num("timestamp");
  switch (m) {
    case network_method::request_will_be_sent: {
      e.frame_id = p.text("frameId");
      e.loader_id = p.text("loaderId");
      e.type = p.text("type");
      e.wall_time = p.num("wallTime");
      if (const auto req = p.object("request", ok)) {
        e.url = req->text("url");
        e.url_fragment = req->text("urlFragment");
        e.method = req->text("method");
      }
      e.has_redirect_response = p.has("redirectResponse");
      if (const auto res = p.object("redirectResponse", ok)) read_response(*res, e.response, ok);
      break;
    }
    case network_method::response_received:
      e.type = p.text("type");
      if (const auto res = p.object("response", ok)) read_response(*res, e.response, ok);
      break;
    case network_method::loading_finished:
      e.encoded_data_length = p.num("encodedDataLength");
      break;
    case network_method::loading_failed:
      e.canceled = p.is_true("canceled");
      e.error_text = p.text("errorText");
      e.blocked_reason = p.text("blockedReason");
      break;
    case network_method::served_from_cache:
      break;
  }
  return e;
}

}  // namespace

network_event network_event_of(network_method m, const json& params) {
  bool ok = true;
  return params.is_object() ? read(m, parsed_fields{params}, ok) : network_event{};
}

std::optional<network_event> network_event_of_text(network_method m, std::string_view params) {
  return read_fields(params, [m](const auto& p, bool& ok) { return read(m, p, ok); });
}

}  // namespace footfall::cdp
