// The Prometheus endpoint: the text parses, and after a real run its counters equal the database.
#include "engine/observe/metrics.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <fstream>
#include <thread>

#include "cdp/command_stats.hpp"
#include "engine/engine_fixture.hpp"
#include "engine/observe/metrics_server.hpp"
#include "engine/prom_text.hpp"
#include "support/http_server.hpp"

using namespace footfall;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

struct http_answer {
  int status = 0;
  std::string body;
};

/// GET http://127.0.0.1:port/path; status 0 when nothing answers.
http_answer get(std::uint16_t port, const std::string& path) {
  try {
    boost::asio::io_context io;
    boost::beast::tcp_stream s(io);
    s.expires_after(std::chrono::seconds(5));
    s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req(http::verb::get, path, 11);
    req.set(http::field::host, "127.0.0.1");
    http::write(s, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return {static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception&) {
    return {};
  }
}

/// A port nothing listens on right now (bound to 0, then released).
std::uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

std::string label(const std::string& name, const std::string& key, const std::string& value) {
  return name + "{" + key + "=\"" + value + "\"}";
}

}  // namespace

TEST_CASE("engine: parse_host_port accepts HOST:PORT and names the rule otherwise") {
  const auto hp = engine::parse_host_port("0.0.0.0:9464");
  CHECK(hp.host == "0.0.0.0");
  CHECK(hp.port == 9464);
  CHECK(engine::parse_host_port("localhost:0").port == 0);
  for (const char* bad : {"9464", ":9464", "host:", "host:70000", "host:94a", "host:-1"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(engine::parse_host_port(bad), doctest::Contains("expected HOST:PORT"),
                         std::invalid_argument);
  }
}

TEST_CASE("engine: the Prometheus text reader refuses what Prometheus would refuse") {
  CHECK_NOTHROW(test::parse_prom_text("# TYPE a counter\na 1\n"));
  CHECK_THROWS(test::parse_prom_text("a 1\n"));                         // no # TYPE
  CHECK_THROWS(test::parse_prom_text("# TYPE a counter\na{x=1} 1\n"));  // unquoted label
  CHECK_THROWS(test::parse_prom_text("# TYPE a counter\na one\n"));     // not a number
  CHECK_THROWS(test::parse_prom_text("# TYPE a counter\na -1\n"));      // negative counter
  CHECK_THROWS(test::parse_prom_text(
      "# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 1\n"));
  CHECK_THROWS(test::parse_prom_text(
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 3\nh_sum 1\n"));
}

TEST_CASE("engine: the metrics endpoint serves parseable text, /healthz and /readyz") {
  auto m = std::make_shared<engine::metrics>();
  engine::metrics_server server(engine::parse_host_port("127.0.0.1:0"), m);
  // A command of 3 ms and a failed one of 30 s land in their buckets.
  cdp::global_command_stats().record(std::chrono::milliseconds(3), nullptr);
  cdp::global_command_stats().record(std::chrono::seconds(30),
                                     std::make_exception_ptr(std::runtime_error("x")));
  auto r = get(server.port(), "/metrics");
  REQUIRE(r.status == 200);
  const auto s = test::parse_prom_text(r.body);
  CHECK(s.types.at("footfall_cdp_command_duration_seconds") == "histogram");
  CHECK(s.at("footfall_cdp_command_duration_seconds_count") >= 2);
  CHECK(s.at(label("footfall_cdp_command_duration_seconds_bucket", "le", "+Inf")) -
            s.at(label("footfall_cdp_command_duration_seconds_bucket", "le", "10")) >=
        1);
  CHECK(s.at(label("footfall_cdp_command_failures_total", "kind", "error")) >= 1);
  CHECK(s.at(label("footfall_campaign_sessions", "status", "pending")) == 0);
  CHECK(get(server.port(), "/healthz").status == 200);
  // No run yet: alive, not ready.
  CHECK(get(server.port(), "/readyz").status == 503);
  storage::session_counts counts;
  counts.by_status[storage::session_status::running] = 2;
  engine::run_counters rc;
  m->observe(counts, rc, storage::campaign_status::running, false, false);
  CHECK(get(server.port(), "/readyz").status == 200);
  CHECK(test::parse_prom_text(get(server.port(), "/metrics").body)
            .at(label("footfall_campaign_sessions", "status", "running")) == 2);
  m->observe(counts, rc, storage::campaign_status::running, true, false);  // draining
  CHECK(get(server.port(), "/readyz").status == 503);
  CHECK(get(server.port(), "/nope").status == 404);
}

TEST_CASE("engine: /metrics scraped during a footfall worker run matches the database at the end") {
  test::fresh_database db;
  test::http_server site;
  const auto camp = test::make_campaign(db.url(), test::busy_persona("metered"),
                                        site.url("/journey/index.html"), 8, 2, 21);
  const auto port = free_port();
  auto w = test::spawn({FOOTFALL_BINARY, "worker", camp.id.str(), "--database-url", db.url(),
                        "--browsers", "1", "--contexts-per-browser", "2", "--pace", "0",
                        "--no-progress", "--metrics-addr", "127.0.0.1:" + std::to_string(port),
                        "--metrics-linger", "30"});
  // Scrape every 100 ms until the run reports itself finished (the endpoint lingers after it).
  int scrapes = 0, ready_seen = 0, running_seen = 0;
  test::prom_samples last;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto r = get(port, "/metrics");
    if (r.status == 200) {
      last = test::parse_prom_text(r.body);  // throws (fails the test) on malformed text
      ++scrapes;
      if (last.get("footfall_run_finished") == 1) break;
      if (last.get(label("footfall_campaign_sessions", "status", "running")) > 0) ++running_seen;
      if (get(port, "/readyz").status == 200) ++ready_seen;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(-w.pid, SIGTERM);  // ends the linger; the run itself is over
  const auto done = test::wait(w, std::chrono::seconds(60));
  CAPTURE(done.err.substr(0, 3000));
  REQUIRE(last.get("footfall_run_finished") == 1);
  CHECK(scrapes > 3);
  CHECK(running_seen > 0);
  CHECK(ready_seen > 0);
  CHECK(get(port, "/healthz").status == 0);  // gone with the process

  // The campaign's sessions by status, as the database has them.
  for (const char* st : {"pending", "running", "completed", "failed", "timeout"}) {
    CAPTURE(st);
    CHECK(last.at(label("footfall_campaign_sessions", "status", st)) ==
          db.count(std::string("SELECT count(*) FROM sessions WHERE status = '") + st + "'"));
  }
  // One process ran them all: its own counters equal the database's too.
  CHECK(last.at(label("footfall_sessions_total", "status", "completed")) ==
        db.count("SELECT count(*) FROM sessions WHERE status = 'completed'"));
  CHECK(last.at("footfall_pages_total") == db.count("SELECT count(*) FROM page_visits"));
  const auto by_type = db.rows("SELECT action_type::text, count(*) FROM actions GROUP BY 1");
  REQUIRE(!by_type.empty());
  double sum = 0;
  for (const auto& [k, v] : last.values)
    if (k.starts_with("footfall_actions_total{")) sum += v;
  CHECK(sum == db.count("SELECT count(*) FROM actions"));
  for (const auto& r : by_type) {
    CAPTURE(r[0]);
    CHECK(last.at(label("footfall_actions_total", "type", r[0])) == std::stod(r[1]));
  }
  // Everything written was committed; the browser ran and did not crash; CDP was measured.
  CHECK(last.at("footfall_writer_queue_rows") == 0);
  CHECK(last.at("footfall_writer_batches_committed_total") >= 1);
  CHECK(last.at("footfall_writer_batches_spooled_total") == 0);
  CHECK(last.at("footfall_browser_launches_total") >= 1);
  CHECK(last.at("footfall_browser_crashes_total") == 0);
  CHECK(last.at("footfall_cdp_command_duration_seconds_count") > 100);
  CHECK(last.at("footfall_ready") == 0);
}

TEST_CASE("engine: a malformed --metrics-addr is bad input (exit 2) before anything is created") {
  test::fresh_database db;
  const std::string path = "/tmp/ffe-metrics-campaign.json";
  std::ofstream(path) << R"({"name": "m", "target_url": "http://127.0.0.1:1/", "total_sessions": 1,
                            "persona": {"name": "p"}})";
  for (const char* addr : {"9464", "0.0.0.0:http", "0.0.0.0:99999"}) {
    CAPTURE(addr);
    auto c = test::spawn(
        {FOOTFALL_BINARY, "run", path, "--database-url", db.url(), "--metrics-addr", addr});
    const auto r = test::wait(c, std::chrono::seconds(60));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--metrics-addr: expected HOST:PORT") != std::string::npos);
  }
  CHECK(db.count("SELECT count(*) FROM campaigns") == 0);
}
