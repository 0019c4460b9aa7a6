// Open-model claims on a real PostgreSQL (migration 0050): the epoch set once, only due sessions
// claimed and in planned order, the cap still holding, overdue arrivals dropped (not failed, never
// left pending), the next planned start reported, and rollups/reads of planned vs started.
#include <doctest/doctest.h>

#include <thread>

#include "samples.hpp"
#include "storage/arrivals.hpp"
#include "storage/leases.hpp"
#include "storage/repositories.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;

namespace {

// A campaign whose sessions are planned to start `offsets` ms after the arrival epoch.
campaign planned_campaign(connection& c, const std::vector<std::int64_t>& offsets) {
  return test::store_pending_campaign(c, "arrivals", static_cast<int>(offsets.size()), offsets);
}

claim_request open_request(const campaign& k, int want, int cap, std::chrono::milliseconds late) {
  auto r = test::claim_for(k, "w", want, cap);
  r.max_lateness = late;
  return r;
}

}  // namespace

TEST_CASE("storage: open-model claims follow the planned starts, in order, under the cap") {
  test::fresh_database db;
  connection c(db.url());
  const auto k = planned_campaign(c, {0, 0, 400, 60'000});
  lease_repository leases(c);
  const auto first = leases.claim(open_request(k, 4, 4, 30s));
  // Only the two due at offset 0: the one at 400 ms and the one at a minute wait.
  REQUIRE(first.claimed.size() == 2);
  CHECK(first.claimed[0].session_index == 0);
  CHECK(first.claimed[1].session_index == 1);
  CHECK(first.claimed[0].start_lateness_ms.value() >= 0);
  CHECK(first.claimed[0].start_lateness_ms.value() < 1000);
  const auto epoch =
      db.scalar("SELECT arrivals_epoch FROM campaigns WHERE id = '" + k.id.str() + "'");
  CHECK_FALSE(epoch.empty());
  const auto none = leases.claim(open_request(k, 4, 4, 30s));
  CHECK(none.claimed.empty());
  REQUIRE(none.next_due.has_value());
  CHECK(none.next_due->count() > 0);
  CHECK(none.next_due->count() <= 400);
  std::this_thread::sleep_for(std::chrono::milliseconds(none.next_due->count() + 20));
  const auto third = leases.claim(open_request(k, 4, 4, 30s));
  REQUIRE(third.claimed.size() == 1);
  CHECK(third.claimed[0].session_index == 2);
  CHECK(third.claimed[0].start_lateness_ms.value() >= 0);
  // The epoch was set once, by the first claim.
  CHECK(db.scalar("SELECT arrivals_epoch FROM campaigns WHERE id = '" + k.id.str() + "'") == epoch);
  const auto stats = load_arrival_stats(c, k.id).value();
  CHECK(stats.planned == 4);
  CHECK(stats.due == 3);
  CHECK(stats.started == 3);
  CHECK(stats.dropped == 0);
  const auto minutes = load_arrivals_per_minute(c, k.id);
  REQUIRE(minutes.size() == 2);
  CHECK(minutes[0].planned == 3);
  CHECK(minutes[0].started == 3);
  CHECK(minutes[1].planned == 1);
  CHECK(minutes[1].started == 0);
}

TEST_CASE("storage: an arrival that finds the cap full starts late, then is dropped") {
  test::fresh_database db;
  connection c(db.url());
  const auto k = planned_campaign(c, {0, 0, 0});
  lease_repository leases(c);
  // Cap 1: the first starts; the other two are due but wait.
  const auto first = leases.claim(open_request(k, 3, 1, 300ms));
  REQUIRE(first.claimed.size() == 1);
  const auto waiting = leases.claim(open_request(k, 3, 1, 300ms));
  CHECK(waiting.claimed.empty());
  CHECK(waiting.dropped == 0);
  REQUIRE(waiting.next_due.has_value());
  CHECK(waiting.next_due->count() <= 0);  // due now: only the cap holds them
  // The first ends in time for one more: it starts late (lateness recorded).
  std::this_thread::sleep_for(150ms);
  db.exec("UPDATE sessions SET status = 'completed', completed_at = now() WHERE id = '" +
          first.claimed[0].id.str() + "'");
  const auto late = leases.claim(open_request(k, 1, 1, 300ms));
  REQUIRE(late.claimed.size() == 1);
  CHECK(late.claimed[0].start_lateness_ms.value() >= 150);
  // The last waits past max_lateness with the cap full: dropped, neither failed nor pending.
  std::this_thread::sleep_for(250ms);
  const auto dropped = leases.claim(open_request(k, 1, 1, 300ms));
  CHECK(dropped.claimed.empty());
  CHECK(dropped.dropped == 1);
  CHECK(dropped.pending == 0);
  CHECK(db.scalar("SELECT status::text || ' ' || (start_lateness_ms >= 300)::text || ' ' || "
                  "(completed_at IS NOT NULL)::text FROM sessions WHERE session_index = 2") ==
        "dropped true true");
  CHECK(session_repository(c).counts(k.id).of(session_status::dropped) == 1);
  const auto stats = load_arrival_stats(c, k.id).value();
  CHECK(stats.started == 2);
  CHECK(stats.late == 0);  // 150 ms: not >= late_after_ms
  CHECK(stats.dropped == 1);
  // Rollups count planned, late and dropped arrivals per minute of the whole campaign.
  db.exec("SELECT rollup_rebuild_campaign('" + k.id.str() + "')");
  CHECK(db.scalar("SELECT sum(arrivals_planned) || ' ' || sum(arrivals_dropped) || ' ' || "
                  "sum(sessions_started) FROM traffic_rollups WHERE granularity = 'minute' AND "
                  "campaign_id = '" +
                  k.id.str() + "' AND url_path = ''") == "3 1 2");
}

TEST_CASE("storage: closed-model claims ignore arrivals (no epoch, no drops)") {
  test::fresh_database db;
  connection c(db.url());
  const auto k = test::store_pending_campaign(c, "closed", 2);
  const auto got = lease_repository(c).claim(test::claim_for(k, "w", 2, 2));
  CHECK(got.claimed.size() == 2);
  CHECK_FALSE(got.next_due.has_value());
  CHECK(db.scalar("SELECT arrivals_epoch IS NULL FROM campaigns WHERE id = '" + k.id.str() + "'") ==
        "t");
  CHECK_FALSE(load_arrival_stats(c, k.id).has_value());
}
