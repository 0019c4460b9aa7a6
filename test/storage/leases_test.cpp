// Leases on a real PostgreSQL: the global cap, reclaim of expired leases (clean re-run, attempt
// raised, failed past the maximum), heartbeats, and the writer's attempt fence.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "samples.hpp"
#include "storage/leases.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"
#include "support/personas.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;

namespace {
claim_request request(const campaign& k, const std::string& worker, int want, int cap,
                      std::chrono::milliseconds lease) {
  auto r = test::claim_for(k, worker, want, cap);
  r.lease = lease;
  return r;
}
}  // namespace

TEST_CASE("leases: concurrent claims of many workers never exceed the campaign's cap") {
  test::fresh_database db;
  connection c{db.url()};
  const auto k = test::store_pending_campaign(c, "capped", 30);
  std::atomic<int> claimed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w)
    workers.emplace_back([&, w] {
      connection own{db.url()};
      lease_repository leases{own};
      for (int i = 0; i < 10; ++i)
        claimed += static_cast<int>(
            leases.claim(request(k, "w" + std::to_string(w), 2, 5, 60s)).claimed.size());
    });
  for (auto& t : workers) t.join();
  CHECK(claimed == 5);
  CHECK(db.count("SELECT count(*) FROM sessions WHERE status = 'running'") == 5);
  CHECK(db.count("SELECT count(*) FROM sessions WHERE status = 'running' AND "
                 "lease_expires_at > now() + interval '50 seconds'") == 5);
}

TEST_CASE(
    "leases: an expired lease is reclaimed clean - attempt raised - failed past the maximum") {
  test::fresh_database db;
  test::temp_dir spool;
  connection c{db.url()};
  const auto k = test::store_pending_campaign(c, "reclaim", 3);
  lease_repository leases{c};
  auto first = leases.claim(request(k, "dead", 1, 3, 1500ms));
  REQUIRE(first.claimed.size() == 1);
  auto s = first.claimed.front();
  CHECK(s.attempt == 1);
  // The dead attempt recorded two pages before its worker vanished.
  {
    writer w{test::writer_into(db.url(), spool.path(), 2s)};
    for (int order = 1; order <= 2; ++order) {
      auto p = test::make_page(s, order, 3);
      p.visit.attempt = 1;
      w.write(p);
    }
    w.close();
  }
  CHECK(db.count("SELECT count(*) FROM page_visits") == 2);
  // Live lease: another worker neither reclaims nor exceeds the cap.
  auto busy = leases.claim(request(k, "alive", 5, 1, 60s));
  CHECK(busy.claimed.empty());
  CHECK(busy.running == 1);
  std::this_thread::sleep_for(1600ms);
  CHECK(session_repository(c).counts(k.id).lost == 1);

  auto second = leases.claim(request(k, "alive", 1, 1, 60s));
  CHECK(second.reclaimed.requeued == 1);
  REQUIRE(second.claimed.size() == 1);
  CHECK(second.claimed.front().id == s.id);  // lowest index first: the reclaimed one
  CHECK(second.claimed.front().attempt == 2);
  CHECK(second.claimed.front().claimed_by == "alive");
  // The dead attempt's rows are gone before the new attempt writes anything.
  CHECK(db.count("SELECT count(*) FROM page_visits") == 0);
  CHECK(db.count("SELECT count(*) FROM actions") == 0);

  // The zombie (attempt 1) writes on; the new attempt (2) writes its own page 1. Only attempt 2
  // lands, and no write is refused as a duplicate.
  {
    writer w{test::writer_into(db.url(), spool.path(), 2s)};
    auto zombie = test::make_page(s, 3, 2);
    zombie.visit.attempt = 1;
    w.write(zombie);
    auto late_final = s;
    late_final.status = session_status::completed;
    late_final.attempt = 1;
    w.write(late_final);
    auto fresh = test::make_page(s, 1, 4);
    fresh.visit.attempt = 2;
    w.write(fresh);
    w.close();
    CHECK(w.stats().fenced_items == 2);
    CHECK(w.stats().rejected_items == 0);
  }
  CHECK(db.count("SELECT count(*) FROM page_visits") == 1);
  CHECK(db.count("SELECT count(*) FROM actions") == 4);
  CHECK(db.scalar("SELECT status::text FROM sessions WHERE id = '" + s.id.str() + "'") ==
        "running");

  // Heartbeats keep a lease alive; a renewal naming a stale attempt renews nothing.
  CHECK(leases.renew({{s.id, 2}}, "alive", 300ms).size() == 1);
  CHECK(leases.renew({{s.id, 1}}, "alive", 300ms).empty());

  // Lost on every attempt: failed as lost once max_attempts is reached.
  auto req = request(k, "next", 1, 1, 300ms);
  req.max_attempts = 3;
  std::this_thread::sleep_for(400ms);
  auto third = leases.claim(req);  // reclaims attempt 2, claims it as attempt 3
  REQUIRE(third.claimed.size() == 1);
  CHECK(third.claimed.front().attempt == 3);
  std::this_thread::sleep_for(400ms);
  auto fourth = leases.claim(req);
  CHECK(fourth.reclaimed.failed == 1);
  const auto lost = session_repository(c).find(s.id).value();
  CHECK(lost.status == session_status::failed);
  REQUIRE(lost.error_message);
  CHECK(lost.error_message->find("worker lost after 3 attempt(s)") != std::string::npos);
  CHECK(db.scalar("SELECT worker_lost FROM sessions WHERE id = '" + s.id.str() + "'") == "t");
}

TEST_CASE("leases: a restarted worker with a pinned name takes its sessions back at once") {
  test::fresh_database db;
  connection c{db.url()};
  const auto k = test::store_pending_campaign(c, "pinned", 4);
  lease_repository leases{c};
  REQUIRE(leases.claim(request(k, "pod-0", 2, 4, 60s)).claimed.size() == 2);
  REQUIRE(leases.claim(request(k, "pod-1", 1, 4, 60s)).claimed.size() == 1);
  const auto r = leases.reclaim_worker(k.id, "pod-0", 3);
  CHECK(r.requeued == 2);
  const auto counts = session_repository(c).counts(k.id);
  CHECK(counts.of(session_status::pending) == 3);
  CHECK(counts.of(session_status::running) == 1);
}

TEST_CASE("personas: 20 concurrent upserts of one inline persona all succeed") {
  test::fresh_database db;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  std::set<std::string> ids;
  std::mutex m;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&] {
      connection own{db.url()};
      const auto stored = persona_repository(own).upsert(
          test::persona_builder("shared-inline").duration_s(1, 2).pages(1, 2));
      std::lock_guard lk(m);
      ids.insert(stored.id.str());
      ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 20);
  CHECK(ids.size() == 1);
  CHECK(db.count("SELECT count(*) FROM personas") == 1);
}

TEST_CASE("leases: a session its worker reports finished holds no slot, though its final row is "
          "not committed yet") {
  test::fresh_database db;
  connection c{db.url()};
  const auto k = test::store_pending_campaign(c, "finished", 3);
  lease_repository leases{c};
  auto first = leases.claim(request(k, "w", 1, 1, 60s));
  REQUIRE(first.claimed.size() == 1);
  const auto done = first.claimed.front().id;
  // Still `running` in the database (the writer has not committed its last row): the cap is full.
  auto r = request(k, "w", 1, 1, 60s);
  r.alive = {done};
  const auto blocked = leases.claim(r);
  CHECK(blocked.claimed.empty());
  CHECK(blocked.running == 1);
  CHECK(blocked.holding == 1);
  // Its worker says it has ended: the slot is free, and the session itself stays as it is.
  r.finished = {done};
  const auto next = leases.claim(r);
  REQUIRE(next.claimed.size() == 1);
  CHECK(next.claimed.front().id != done);
  CHECK(next.running == 2);
  CHECK(next.holding == 1);
  CHECK(db.count("SELECT count(*) FROM sessions WHERE status = 'running'") == 2);
}
