// Analytics against a real PostgreSQL: set-based recompute, the session-end path, rollups.
#include <doctest/doctest.h>

#include <mutex>
#include <thread>

#include "analytics/recompute.hpp"
#include "analytics/session_metrics.hpp"
#include "storage/analytics_queries.hpp"
#include "storage/repositories.hpp"
#include "support/pg/pg_fixture.hpp"
#include "test/analytics/campaign_gen.hpp"

using namespace footfall;

TEST_CASE("recompute: set-based results equal the per-session formulas" * doctest::timeout(120)) {
  test::fresh_database db;
  test::campaign_gen_options o;
  o.name = "recompute";
  o.sessions = 6;
  o.failed_every = 3;
  const auto k = test::generate_campaign(db.url(), o);
  storage::connection c{db.url()};

  const auto r = analytics::recompute_campaign(c, k.id);
  CHECK(r.sessions == 6);
  CHECK(r.actions == 6 * 3 * 8);
  CHECK(db.count("SELECT count(*) FROM session_analytics WHERE campaign_id = '" + k.id.str() + "'") == 6);

  // The campaign row: 2 of 6 failed.
  const auto ca = storage::load_campaign_analytics(c, k.id);
  REQUIRE(ca);
  CHECK(ca->total_sessions == 6);
  CHECK(ca->completed_sessions == 4);
  CHECK(ca->failed_sessions == 2);
  CHECK(ca->success_rate == doctest::Approx(0.67).epsilon(0.01));
  CHECK(*ca->avg_pages_per_session == doctest::Approx(3));
  CHECK(*ca->avg_actions_per_session == doctest::Approx(24));
  REQUIRE(ca->avg_rhythm_score);
  CHECK(*ca->avg_rhythm_score > 0.5);  // log-normal pauses

  // One session recomputed from the records the engine had in memory gives the same numbers.
  storage::session_repository sessions{c};
  const auto s0 = sessions.list(k.id).at(0);
  const auto pages = storage::visit_repository{c}.pages(s0.id);
  const auto direct = analytics::compute_session_analytics(
      analytics::make_session_input(s0, pages, {std::nullopt, ""}));
  const auto d = storage::load_campaign_dataset(c, k.id);
  REQUIRE(d.sessions.at(0).analytics);
  const auto& stored = *d.sessions[0].analytics;
  CHECK(stored.pages_visited == direct.pages_visited);
  CHECK(stored.total_actions == direct.total_actions);
  CHECK(stored.navigation_depth == direct.navigation_depth);
  CHECK(*stored.rhythm_score == doctest::Approx(*direct.rhythm_score).epsilon(0.01));
  CHECK(*stored.action_variance == doctest::Approx(*direct.action_variance).epsilon(0.001));
  CHECK(stored.pause_distribution == direct.pause_distribution);
  CHECK(stored.detection_risk_score == doctest::Approx(direct.detection_risk_score).epsilon(0.01));
}

TEST_CASE("session end: the engine's webdriver signal survives a recompute" * doctest::timeout(120)) {
  test::fresh_database db;
  const auto k = test::generate_campaign(db.url(), "webdriver", 2);
  storage::connection c{db.url()};
  const auto s0 = storage::session_repository{c}.list(k.id).at(0);
  const auto pages = storage::visit_repository{c}.pages(s0.id);
  const auto row = analytics::record_session_analytics(c, s0, pages, {true, s0.user_agent});
  CHECK(row.detection_risk_score >= 0.9);

  analytics::recompute_campaign(c, k.id, {60000, 0.4, 750});
  const auto d = storage::load_campaign_dataset(c, k.id);
  CHECK(d.sessions.at(0).analytics->detection_risk_score >= 0.9);
  CHECK(d.sessions.at(1).analytics->detection_risk_score < 0.5);
  // Resource usage from the engine is stored, and kept by a recompute that does not know it.
  analytics::recompute_campaign(c, k.id);
  const auto ca = storage::load_campaign_analytics(c, k.id);
  CHECK(*ca->resources.total_runtime_ms == 60000);
  CHECK(*ca->resources.peak_memory_mb == 750);
  CHECK(*ca->resources.avg_cpu_usage == doctest::Approx(0.4));
}

TEST_CASE("rollups: minute and hour and day buckets add up to the detail rows" * doctest::timeout(120)) {
  test::fresh_database db;
  test::campaign_gen_options o;
  o.name = "rollups";
  o.sessions = 5;
  o.console_errors_per_page = 1;
  o.failed_every = 5;
  const auto k = test::generate_campaign(db.url(), o);
  storage::connection c{db.url()};
  CHECK(storage::rebuild_campaign_rollups(c, k.id) > 0);

  const std::int64_t visits = 5 * 3, actions = 5 * 3 * 8;
  for (const char* g : {"minute", "hour", "day"}) {
    CAPTURE(g);
    std::int64_t v = 0, a = 0, by_type = 0, started = 0, failed = 0, errors = 0, path_v = 0;
    for (const auto& r : storage::load_rollups(c, k.id, g)) {
      if (r.url_path.empty()) {
        v += r.page_visits;
        a += r.actions;
        for (auto n : r.actions_by_type) by_type += n;
        started += r.sessions_started;
        failed += r.sessions_failed;
        errors += r.console_errors;
      } else {
        path_v += r.page_visits;
        if (r.url_path == "/shop/item") CHECK(r.load_samples == r.page_visits);
      }
    }
    CHECK(v == visits);
    CHECK(path_v == visits);  // every visit in exactly one path row
    CHECK(a == actions);
    CHECK(by_type == actions);
    CHECK(started == 5);
    CHECK(failed == 1);
    CHECK(errors == visits);
  }
  // Load percentiles per path are real percentiles of the stored load_ms.
  CHECK(db.scalar("SELECT bool_and(load_p50_ms BETWEEN 50 AND 400) FROM traffic_rollups "
                  "WHERE granularity = 'day' AND url_path <> ''") == "t");
}

TEST_CASE("rollups: incremental refresh picks up new rows and retention drops old buckets" *
          doctest::timeout(120)) {
  test::fresh_database db;
  test::campaign_gen_options o;
  o.name = "incremental";
  o.sessions = 2;
  const auto k = test::generate_campaign(db.url(), o);
  storage::connection c{db.url()};
  storage::refresh_rollups(c);
  auto total = [&] {
    return db.count("SELECT sum(actions) FROM traffic_rollups WHERE granularity = 'hour' "
                    "AND url_path = '' AND campaign_id = '" + k.id.str() + "'");
  };
  CHECK(total() == 2 * 3 * 8);

  // A second campaign recorded after the first refresh: the next refresh adds it and keeps the
  // first campaign's buckets exact (recomputed, not double counted).
  o.name = "incremental-2";
  o.seed = 2;
  o.start = storage::clock::now() - std::chrono::minutes(10);
  const auto k2 = test::generate_campaign(db.url(), o);
  storage::refresh_rollups(c);
  CHECK(total() == 2 * 3 * 8);
  CHECK(db.count("SELECT sum(actions) FROM traffic_rollups WHERE granularity = 'minute' "
                 "AND url_path = '' AND campaign_id = '" + k2.id.str() + "'") == 2 * 3 * 8);

  db.exec("INSERT INTO traffic_rollups (granularity, bucket, campaign_id, url_path) VALUES "
          "('minute', now() - interval '8 days', '" + k.id.str() + "', ''), "
          "('hour', now() - interval '8 days', '" + k.id.str() + "', '')");
  storage::refresh_rollups(c);
  CHECK(db.count("SELECT count(*) FROM traffic_rollups WHERE bucket < now() - interval '7 days' "
                 "AND granularity = 'minute'") == 0);
  CHECK(db.count("SELECT count(*) FROM traffic_rollups WHERE bucket < now() - interval '7 days' "
                 "AND granularity = 'hour'") == 1);  // hours are kept 90 days
}

TEST_CASE("campaign names: resolve by id or name, a reused name means the latest campaign" * doctest::timeout(120)) {
  test::fresh_database db;
  const auto a = test::generate_campaign(db.url(), "twin", 1);
  storage::connection c{db.url()};
  CHECK(storage::resolve_campaign(c, "twin") == a.id);
  CHECK(storage::resolve_campaign(c, a.id.str()) == a.id);
  const auto b = test::generate_campaign(db.url(), "twin", 1);
  CHECK(storage::resolve_campaign(c, "twin") == b.id);
  CHECK(storage::resolve_campaign(c, a.id.str()) == a.id);
  CHECK_THROWS_WITH(storage::resolve_campaign(c, "nope"), doctest::Contains("no campaign"));
}

TEST_CASE("rollups: concurrent refreshes and campaign rebuilds do not collide" *
          doctest::timeout(180)) {
  test::fresh_database db;
  const auto k = test::generate_campaign(db.url(), "concurrent", 3);
  std::vector<std::string> errors;
  std::mutex m;
  auto worker = [&](bool rebuild) {
    try {
      storage::connection c{db.url()};
      for (int i = 0; i < 8; ++i) {
        if (rebuild) storage::rebuild_campaign_rollups(c, k.id);
        else storage::refresh_rollups(c);
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(m);
      errors.push_back(e.what());
    }
  };
  std::thread a(worker, true), b(worker, false), c2(worker, true);
  a.join();
  b.join();
  c2.join();
  CHECK_MESSAGE(errors.empty(), (errors.empty() ? "" : errors.front()));
  CHECK(db.count("SELECT sum(actions) FROM traffic_rollups WHERE granularity = 'day' "
                 "AND url_path = '' AND campaign_id = '" + k.id.str() + "'") == 3 * 3 * 8);
}
