// cdp/request_log from Network events Chromium really sent: test/cdp/data/network_events.json was
// recorded from a CDP session (Network.enable with network_enable_params()) while Chromium loaded
// /go (a 302 to test/site/health/failures.html: a 404 image, a refused script, a 500 fetch, the
// favicon's 404) and then health/cls.html (its script and two report POSTs).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "cdp/json_text.hpp"
#include "cdp/message_repair.hpp"
#include "cdp/network_event.hpp"
#include "cdp/request_log.hpp"

using namespace footfall::cdp;

namespace {
json recorded(const char* name) {
  std::ifstream in(std::string(FOOTFALL_SOURCE_DIR) + "/test/cdp/data/" + name);
  REQUIRE(in.good());
  return json::parse(in);
}
std::string path_of(const std::string& url) { return url.substr(url.find('/', 8)); }
}  // namespace

TEST_CASE("request_log: recorded events give one record per request and hop, with statuses") {
  request_log log;
  for (const auto& e : recorded("network_events.json"))
    log.on_event(e["method"].get<std::string>(), e["params"]);
  CHECK(log.open() == 0);
  const auto rs = log.take();
  REQUIRE(rs.size() == 10);
  std::vector<std::string> paths;
  for (const auto& r : rs) paths.push_back(path_of(r.url));
  CHECK(paths == std::vector<std::string>{"/go", "/health/failures.html", "/health/missing.png",
                                          "/refused.js", "/health/boom", "/favicon.ico",
                                          "/health/cls.html", "/health/self_vitals.js",
                                          "/health/report", "/health/report"});
  // The redirect's hop: its own record, with its 302 and where it went.
  CHECK(rs[0].status == 302);
  CHECK(path_of(rs[0].redirect_url) == "/health/failures.html");
  CHECK(rs[0].resource_type == "Document");
  CHECK(rs[1].status == 200);
  CHECK(rs[1].mime_type == "text/html");
  CHECK(rs[2].status == 404);
  CHECK(rs[2].resource_type == "Image");
  // A refused connection: failed, no status, Chromium's error.
  CHECK(rs[3].failed);
  CHECK_FALSE(rs[3].status);
  CHECK(rs[3].error_text == "net::ERR_CONNECTION_REFUSED");
  CHECK(rs[4].status == 500);
  CHECK(rs[4].resource_type == "Fetch");
  CHECK_FALSE(rs[4].failed);
  // The page's report fetches got their 204 and were then dropped by the page: canceled, not
  // failed.
  CHECK(rs[8].status == 204);
  CHECK(rs[8].canceled);
  CHECK_FALSE(rs[8].failed);
  CHECK(rs[8].method == "POST");
  for (const auto& r : rs) {
    CHECK(r.duration_ms >= 0);
    CHECK(r.started_at.time_since_epoch().count() > 0);
    if (r.status && !r.canceled && r.status != 302) CHECK(r.encoded_bytes > 0);
  }
}

TEST_CASE("request_log: events read from their text give the same values and records as "
          "events parsed whole") {
  // The text path (object_view) must read every member the parsed path reads: each recorded
  // event's values from its parsed params and from their text must be equal, and so must the
  // records of a log fed each way.
  request_log whole, text;
  int compared = 0;
  for (const auto& e : recorded("network_events.json")) {
    const std::string method = e["method"];
    const auto message = e.dump();
    const auto parts = split_event(message);
    REQUIRE(parts);
    CHECK(parts->method == method);
    const auto m = network_method_of(method);
    REQUIRE(m);
    const auto from_text = network_event_of_text(*m, parts->params);
    REQUIRE(from_text);
    CHECK(*from_text == network_event_of(*m, e["params"]));
    ++compared;
    whole.on_event(method, e["params"]);
    text.on_event_text(method, parts->params);
  }
  CHECK(compared == 27);
  const auto a = whole.take(), b = text.take();
  REQUIRE(a.size() == 10);
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(a[i].url);
    CHECK(a[i].request_id == b[i].request_id);
    CHECK(a[i].frame_id == b[i].frame_id);
    CHECK(a[i].loader_id == b[i].loader_id);
    CHECK(a[i].url == b[i].url);
    CHECK(a[i].method == b[i].method);
    CHECK(a[i].resource_type == b[i].resource_type);
    CHECK(a[i].status == b[i].status);
    CHECK(a[i].status_text == b[i].status_text);
    CHECK(a[i].failed == b[i].failed);
    CHECK(a[i].canceled == b[i].canceled);
    CHECK(a[i].error_text == b[i].error_text);
    CHECK(a[i].from_cache == b[i].from_cache);
    CHECK(a[i].encoded_bytes == b[i].encoded_bytes);
    CHECK(a[i].mime_type == b[i].mime_type);
    CHECK(a[i].protocol == b[i].protocol);
    CHECK(a[i].remote_ip == b[i].remote_ip);
    CHECK(a[i].redirect_url == b[i].redirect_url);
    CHECK(a[i].started_at == b[i].started_at);
    CHECK(a[i].duration_ms == b[i].duration_ms);
    for (auto m : {&request_record::blocked_ms, &request_record::dns_ms,
                   &request_record::connect_ms, &request_record::ssl_ms, &request_record::send_ms,
                   &request_record::wait_ms, &request_record::receive_ms})
      CHECK(a[i].*m == b[i].*m);
  }
}

TEST_CASE("request_log: text object_view will not read is parsed whole, surrogates repaired") {
  request_log log;
  // An escaped member name (object_view compares names as written) in the request object, and a
  // lone surrogate in the URL: the first falls back to a whole parse, the second is repaired.
  log.on_event_text("Network.requestWillBeSent",
                    R"({"requestId":"7","timestamp":5,"wallTime":1700000000,"type":"Script",)"
                    R"("request":{"\u0075rl":"http://x/a.js","method":"GET"}})");
  log.on_event_text("Network.requestWillBeSent",
                    R"({"requestId":"8","timestamp":5.5,"wallTime":1700000000.5,)"
                    R"("request":{"url":"http://x/b\ud800.js"}})");
  log.on_event_text("Network.loadingFinished", R"({"requestId":"7","timestamp":6})");
  log.on_event_text("Network.loadingFinished", R"({"requestId":"8","timestamp":6,)"
                                               R"("encodedDataLength":12})");
  log.on_event_text("Network.loadingFailed", R"({"requestId":"9",)");  // broken: dropped
  const auto rs = log.take();
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].url == "http://x/a.js");
  CHECK(rs[0].resource_type == "Script");
  CHECK(rs[0].duration_ms == doctest::Approx(1000));
  CHECK(rs[1].url == "http://x/b\xEF\xBF\xBD.js");
  CHECK(rs[1].encoded_bytes == 12);
}

TEST_CASE("request_log: HAR phases add up to the duration and are never negative") {
  request_log log;
  for (const auto& e : recorded("network_events.json"))
    log.on_event(e["method"].get<std::string>(), e["params"]);
  for (const auto& r : log.take()) {
    if (!r.wait_ms) continue;  // failed before any timing
    INFO(r.url);
    for (auto v : {r.blocked_ms, r.send_ms, r.wait_ms, r.receive_ms}) CHECK(*v >= 0);
    const double sum = *r.blocked_ms + r.dns_ms.value_or(0) + r.connect_ms.value_or(0) +
                       *r.send_ms + *r.wait_ms + *r.receive_ms;
    CHECK(sum == doctest::Approx(r.duration_ms).epsilon(0.001));
  }
}

TEST_CASE("request_log: hand-made edge cases") {
  request_log log;
  const json start = {{"requestId", "1"}, {"loaderId", "L"}, {"frameId", "F"}, {"type", "Image"},
                      {"timestamp", 10.0}, {"wallTime", 1700000000.0},
                      {"request", {{"url", "https://user:secret@example.com:8443/a.png?x=1"},
                                   {"method", "GET"}}}};
  log.on_event("Network.requestWillBeSent", start);
  SUBCASE("credentials are removed from the URL") {
    CHECK(log.close(11.0)[0].url == "https://example.com:8443/a.png?x=1");
  }
  SUBCASE("still open when the visit ends: canceled, dated at the end") {
    const auto rs = log.close(10.25);
    REQUIRE(rs.size() == 1);
    CHECK(rs[0].canceled);
    CHECK(rs[0].duration_ms == doctest::Approx(250));
    CHECK(rs[0].error_text == "unfinished when the visit ended");
  }
  SUBCASE("served from the cache, blocked requests say by what") {
    log.on_event("Network.requestServedFromCache", {{"requestId", "1"}});
    log.on_event("Network.loadingFinished",
                 {{"requestId", "1"}, {"timestamp", 10.01}, {"encodedDataLength", 0}});
    log.on_event("Network.requestWillBeSent", {{"requestId", "2"}, {"timestamp", 10.02},
                                               {"wallTime", 1700000000.02}, {"type", "Script"},
                                               {"request", {{"url", "http://x/t.js"}}}});
    log.on_event("Network.loadingFailed", {{"requestId", "2"}, {"timestamp", 10.03},
                                           {"errorText", "net::ERR_BLOCKED_BY_CLIENT"},
                                           {"blockedReason", "inspector"}});
    const auto rs = log.take();
    REQUIRE(rs.size() == 2);
    CHECK(rs[0].from_cache);
    CHECK(rs[1].failed);
    CHECK(rs[1].error_text == "net::ERR_BLOCKED_BY_CLIENT (blocked: inspector)");
  }
  SUBCASE("data: URLs and footfall's own fetches are not the page's requests") {
    log.on_event("Network.requestWillBeSent",
                 {{"requestId", "3"}, {"request", {{"url", "data:image/png;base64,AAAA"}}}});
    log.ignore_url("https://example.com/robots.txt");
    log.on_event("Network.requestWillBeSent",
                 {{"requestId", "4"}, {"request", {{"url", "https://example.com/robots.txt"}}}});
    CHECK(log.open() == 1);
  }
}

TEST_CASE("request_log: without_credentials leaves other URLs alone") {
  CHECK(without_credentials("http://a:b@h/p@q") == "http://h/p@q");
  CHECK(without_credentials("http://h/p?u=a@b") == "http://h/p?u=a@b");
  CHECK(without_credentials("mailto:x@y") == "mailto:x@y");
  CHECK(without_credentials("http://tok@h:81/") == "http://h:81/");
}
