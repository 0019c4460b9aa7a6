// Page health in storage (migration 0105): a page's requests and vitals through the writer, their
// partitions, retention and endpoint rollups, and the reads reports, compare and the HAR use.
#include <doctest/doctest.h>

#include "support/pg/pg_fixture.hpp"
#include "samples.hpp"
#include "storage/errors.hpp"
#include "storage/page_health_queries.hpp"
#include "storage/partitions.hpp"
#include "storage/repositories.hpp"
#include "storage/retention.hpp"
#include "storage/validation.hpp"
#include "storage/writer.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;
namespace ch = std::chrono;

namespace {
// n requests on the page: the first the document (200), then a 404 image, a 500 fetch and a
// refused connection, repeating.
void add_requests(page_record& p, int n) {
  for (int i = 0; i < n; ++i) {
    request_row r;
    r.id = uuid::v7();
    r.page_visit_id = p.visit.id;
    r.page_arrived_at = p.visit.arrived_at;
    r.request_order = i + 1;
    r.started_at = p.visit.arrived_at + ch::milliseconds(2 * i);
    r.duration_ms = 10.0 + i;
    switch (i % 4) {
      case 0:
        r.url = "http://127.0.0.1:8080/page?x=" + std::to_string(i);
        r.resource_type = "Document";
        r.status = 200;
        r.encoded_bytes = 1000;
        r.dns_ms = 0.5;
        r.connect_ms = 1.0;
        r.send_ms = 0.1;
        r.wait_ms = 5.0;
        r.receive_ms = 2.0;
        r.protocol = "http/1.1";
        r.mime_type = "text/html";
        break;
      case 1:
        r.url = "http://127.0.0.1:8080/missing.png";
        r.resource_type = "Image";
        r.status = 404;
        r.encoded_bytes = 120;
        break;
      case 2:
        r.url = "http://127.0.0.1:8080/api/data";
        r.method = "POST";
        r.resource_type = "Fetch";
        r.status = 500;
        r.encoded_bytes = 80;
        break;
      default:
        r.url = "http://127.0.0.1:9/refused.js";
        r.resource_type = "Script";
        r.failed = true;
        r.error_text = "net::ERR_CONNECTION_REFUSED";
    }
    p.requests.push_back(std::move(r));
  }
  p.visit.request_count = n;
}
}  // namespace

TEST_CASE("page health: a page's requests and vitals are written with it and read back equal") {
  test::stored_campaign f("health");
  auto& [db, spool, c, k] = f;
  auto s = test::make_session(k, 0, session_status::completed);
  auto p = test::make_page(s, 1, 2);
  p.visit.lcp_ms = 812.5;
  p.visit.cls = 0.1834;
  p.visit.inp_ms = 184;
  p.visit.fcp_ms = 250.25;
  add_requests(p, 8);
  {
    writer w{test::writer_into(db.url(), spool.path(), 2s)};
    w.write(s);
    w.write(p);
    w.close();
    CHECK(w.stats().requests_written == 8);
    CHECK(w.stats().rows_written == 1 + 1 + 2 + 8);
  }
  const auto visits = visit_repository(c).page_visits(s.id);
  REQUIRE(visits.size() == 1);
  CHECK(visits[0].lcp_ms == 812.5);
  CHECK(visits[0].cls == doctest::Approx(0.1834));
  CHECK(visits[0].inp_ms == 184);
  CHECK(visits[0].fcp_ms == 250.25);
  CHECK(visits[0].request_count == 8);
  const auto back = load_session_requests(c, s.id);
  REQUIRE(back.size() == 8);
  for (std::size_t i = 0; i < back.size(); ++i) {
    const auto& a = p.requests[i];
    const auto& b = back[i];
    CHECK(b.id == a.id);
    CHECK(b.request_order == a.request_order);
    CHECK(b.url == a.url);
    CHECK(b.method == a.method);
    CHECK(b.resource_type == a.resource_type);
    CHECK(b.status == a.status);
    CHECK(b.failed == a.failed);
    CHECK(b.error_text == a.error_text);
    CHECK(b.encoded_bytes == a.encoded_bytes);
    CHECK(b.duration_ms == a.duration_ms);
    CHECK(b.wait_ms == a.wait_ms);
    CHECK(b.dns_ms == a.dns_ms);
    CHECK(ch::abs(b.started_at - a.started_at) < 1us);
  }
  // The failed and slowest requests by URL, as reports show them.
  const auto failed = load_failed_requests(c, k.id, 10);
  REQUIRE(failed.size() == 3);
  CHECK(failed[0].errors == 2);  // each error URL twice in 8; ties by URL
  CHECK(failed[0].url == "http://127.0.0.1:8080/api/data");
  CHECK(failed[0].statuses == "500 x2");
  CHECK(failed[2].url == "http://127.0.0.1:9/refused.js");
  CHECK(failed[2].failed == 2);
  CHECK(failed[2].statuses == "net::ERR_CONNECTION_REFUSED x2");
  const auto slow = load_slowest_requests(c, k.id, 1);
  REQUIRE(slow.size() == 1);
  CHECK(slow[0].max_ms == 17.0);  // the 8th request: the refused script
  const auto vitals = load_visit_vitals(c, k.id);
  REQUIRE(vitals.size() == 1);
  CHECK(vitals[0].url_path == "/page1");
  CHECK(vitals[0].inp_ms == 184);
}

TEST_CASE("page health: a request that does not belong to its page is refused before queueing") {
  test::fresh_database db;
  connection c{db.url()};
  const auto k = test::store_campaign(c, "health-bad");
  const auto s = test::make_session(k, 0);
  auto p = test::make_page(s, 1, 0);
  add_requests(p, 2);
  p.requests[1].request_order = 5;
  p.requests[0].status = 42;
  const auto problems = validate(p);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("requests[0].status (42)") != std::string::npos);
  CHECK(problems[1].find("requests[1].request_order (5) must be 2") != std::string::npos);
  p.requests.pop_back();
  p.requests[0].status = 200;
  CHECK(validate(p).size() == 1);  // request_count still says 2
}

TEST_CASE("page health: requests get daily partitions, retention and endpoint rollups") {
  test::stored_campaign f("health-life");
  auto& [db, spool, c, k] = f;
  const auto now = clock::now();
  const auto d100 = ch::floor<ch::days>(now - ch::days(100)) + ch::hours(12);
  auto old = test::make_session(k, 0, session_status::completed);
  old.completed_at = d100;
  auto fresh = test::make_session(k, 1, session_status::completed);
  fresh.completed_at = now;
  for (const char* t : partitioned_tables) ensure_day_partition(c, t, d100);
  // The fixture's migration already made today's partitions, requests' among them.
  CHECK(db.count("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                 "WHERE p.relname = 'requests'") == 1 + 1 + 9);  // DEFAULT, day 100, [-1, +7]
  auto p_old = test::make_page(old, 1, 1, d100);
  add_requests(p_old, 4);
  auto p_new = test::make_page(fresh, 1, 1, now);
  add_requests(p_new, 8);
  {
    writer w{test::writer_into(db.url(), spool.path(), 2s)};
    for (auto& s : {old, fresh}) w.write(s);
    w.write(p_old);
    w.write(p_new);
    w.close();
  }
  CHECK(db.count("SELECT count(*) FROM requests_default") == 0);

  // Endpoint rollups of the campaign: host + path, the query dropped.
  CHECK(db.count("SELECT rollup_rebuild_campaign('" + k.id.str() + "')") > 0);
  CHECK(db.count("SELECT requests FROM endpoint_rollups WHERE granularity = 'day' AND path = "
                 "'/page' AND host = '127.0.0.1:8080' AND bucket = date_trunc('day', now())") == 2);
  CHECK(db.count("SELECT errors FROM endpoint_rollups WHERE granularity = 'day' AND path = "
                 "'/missing.png' AND bucket = date_trunc('day', now())") == 2);
  CHECK(db.count("SELECT failed FROM endpoint_rollups WHERE granularity = 'day' AND host = "
                 "'127.0.0.1:9' AND bucket = date_trunc('day', now())") == 2);
  CHECK(db.count("SELECT encoded_bytes FROM endpoint_rollups WHERE granularity = 'day' AND "
                 "path = '/page' AND bucket = date_trunc('day', now())") == 2000);
  CHECK(db.scalar("SELECT duration_p50_ms FROM endpoint_rollups WHERE granularity = 'day' AND "
                  "path = '/page' AND bucket = date_trunc('day', now())") == "12");
  // The old day is past the minute and hour retention, within the day's (2 years).
  CHECK(db.count("SELECT count(*) FROM endpoint_rollups WHERE bucket < now() - interval '50 days' "
                 "AND granularity <> 'day'") == 0);
  CHECK(db.count("SELECT count(*) FROM endpoint_rollups WHERE bucket < now() - interval '50 days' "
                 "AND granularity = 'day'") == 4);

  // Retention: the 100-day-old session's requests go with its page (whole partition dropped).
  const auto report = run_retention(c, now, {}, true);
  int request_drops = 0;
  for (auto& st : report.steps)
    request_drops += st.what == retention_step::kind::drop_partition &&
                     st.table.rfind("requests_p", 0) == 0;
  CHECK(request_drops == 1);
  CHECK(db.count("SELECT count(*) FROM requests") == 8);
  CHECK(db.count("SELECT count(*) FROM endpoint_rollups WHERE granularity = 'day'") > 0);
}
