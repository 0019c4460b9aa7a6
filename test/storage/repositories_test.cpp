#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "samples.hpp"
#include "storage/errors.hpp"
#include "storage/repositories.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;

TEST_CASE("personas: stored - read back - unique by name with a clear error") {
  test::fresh_database db;
  connection c{db.url()};
  persona_repository repo{c};
  persona p;
  p.name = "casual";
  p.pages_min = 2;
  p.pages_max = 4;
  p.click_probability = 0.25;
  const auto stored = repo.create(p);
  CHECK_FALSE(stored.id.is_nil());
  CHECK(repo.find_by_name("casual")->click_probability == doctest::Approx(0.25));
  CHECK(repo.list().size() == 1);

  p.id = {};
  CHECK_THROWS_WITH_AS(repo.create(p), doctest::Contains("personas_name_key"), constraint_error);
  p.pages_max = 9;
  CHECK(repo.upsert(p).pages_max == 9);
  CHECK(repo.list().size() == 1);
  // Input device and typing skill (migration 0080): stored, read back, and only known values.
  CHECK(repo.find_by_name("casual")->input_device == "mixed");
  p.input_device = "touchpad";
  p.typing_skill = "novice";
  const auto updated = repo.upsert(p);
  CHECK(updated.input_device == "touchpad");
  CHECK(updated.typing_skill == "novice");
  p.input_device = "trackball";
  CHECK_THROWS_WITH_AS(repo.upsert(p), doctest::Contains("input_device (\"trackball\") must be one of"),
                       validation_error);
  CHECK_THROWS_WITH_AS(c.execute("UPDATE personas SET typing_skill = 'fast'"),
                       doctest::Contains("typing_skill is novice, average, expert or mixed"),
                       constraint_error);
}

TEST_CASE("constraint violations that bypass validation are refused with the rule named") {
  test::fresh_database db;
  connection c{db.url()};
  try {
    c.execute("INSERT INTO personas (name, session_duration_min, session_duration_max, pages_min, "
              "pages_max) VALUES ('x', 10, 20, 5, 3)");
    FAIL("the database accepted pages_min > pages_max");
  } catch (const constraint_error& e) {
    CHECK(e.constraint() == "personas_pages_range");
    CHECK(std::string(e.what()).find("pages_min <= pages_max") != std::string::npos);
    CHECK(e.sql_state() == "23514");
  }
  const auto k = test::store_campaign(c, "spring", 5);
  CHECK_THROWS_WITH_AS(c.execute("UPDATE campaigns SET concurrent_sessions = 50"),
                       doctest::Contains("concurrent_sessions <= total_sessions"), constraint_error);
  // The spec's UNIQUE (session_id, visit_order), kept across partitions by a trigger.
  const auto s = test::make_session(k, 0);
  c.execute("INSERT INTO sessions (id, campaign_id, persona_id, session_index, start_url, user_agent) "
            "VALUES ('" + s.id.str() + "', '" + k.id.str() + "', '" + k.persona_id.str() + "', 0, 'http://x/', 'ua')");
  const std::string visit = "INSERT INTO page_visits (session_id, url, visit_order, arrived_at) VALUES ('" +
                            s.id.str() + "', 'http://x/', 1, ";
  c.execute(visit + "'2026-01-01 23:59:59+00')");
  CHECK_THROWS_WITH_AS(c.execute(visit + "'2026-01-02 00:00:01+00')"),
                       doctest::Contains("visit_order is unique within a session"), constraint_error);
}

TEST_CASE("campaigns: status transitions enforced with clear errors") {
  test::fresh_database db;
  connection c{db.url()};
  campaign_repository repo{c};
  auto k = test::store_campaign(c, "spring");
  CHECK(k.status == campaign_status::pending);
  CHECK_THROWS_WITH_AS(repo.transition(k.id, campaign_status::completed),
                       doctest::Contains("campaign \"spring\": cannot go from pending to completed"),
                       transition_error);
  k = repo.transition(k.id, campaign_status::running);
  CHECK(k.status == campaign_status::running);
  REQUIRE(k.started_at);
  k = repo.transition(k.id, campaign_status::paused);
  CHECK_THROWS_AS(repo.transition(k.id, campaign_status::completed), transition_error);
  k = repo.transition(k.id, campaign_status::running);
  k = repo.transition(k.id, campaign_status::completed);
  CHECK(k.completed_at);
  CHECK_THROWS_WITH_AS(repo.transition(k.id, campaign_status::running),
                       doctest::Contains("allowed from completed: none"), transition_error);
  CHECK_THROWS_AS(repo.transition(uuid::v7(), campaign_status::running), not_found_error);

  campaign bad = k;
  bad.id = {};
  bad.persona_id = uuid::v7();  // no such persona
  CHECK_THROWS_WITH_AS(repo.create(bad), doctest::Contains("persona_id must name an existing persona"),
                       constraint_error);
}

TEST_CASE("sessions: materialize is idempotent - concurrent claims never overlap") {
  test::fresh_database db;
  connection c{db.url()};
  const auto k = test::store_campaign(c, "claims", 40);
  std::vector<session_row> pending;
  for (int i = 0; i < 40; ++i) {
    auto s = test::make_session(k, i, session_status::pending);
    s.id = {};
    pending.push_back(s);
  }
  session_repository repo{c};
  CHECK(repo.materialize(pending) == 40);
  CHECK(repo.materialize(pending) == 0);
  CHECK(repo.counts(k.id).of(session_status::pending) == 40);

  std::vector<session_row> got[4];
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      connection own{db.url()};
      session_repository r{own};
      for (;;) {
        auto batch = r.claim(k.id, 3, "worker-" + std::to_string(w));
        if (batch.empty()) break;
        got[w].insert(got[w].end(), batch.begin(), batch.end());
      }
    });
  for (auto& t : workers) t.join();
  std::set<int> seen;
  for (auto& g : got)
    for (auto& s : g) {
      CHECK(s.status == session_status::running);
      CHECK(s.started_at);
      CHECK_MESSAGE(seen.insert(s.session_index).second, "claimed twice: " << s.session_index);
    }
  CHECK(seen.size() == 40);
  CHECK(repo.counts(k.id).of(session_status::running) == 40);
  CHECK(repo.release(k.id, "worker-0") == got[0].size());
}
