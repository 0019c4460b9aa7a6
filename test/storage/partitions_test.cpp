#include <doctest/doctest.h>

#include "samples.hpp"
#include "storage/partitions.hpp"
#include "storage/retention.hpp"
#include "storage/writer.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
namespace ch = std::chrono;
using ch::days; using ch::hours; using ch::floor; using ch::sys_days; using ch::year; using ch::month; using ch::year_month_day;

namespace {
storage::time_point make_day(int y, unsigned m, unsigned d, int hour = 12) {
  return storage::time_point(sys_days{year{y} / month{m} / ch::day{d}} + hours(hour));
}
void write_all(const test::fresh_database& db, const std::filesystem::path& spool,
               const std::vector<session_row>& sessions, const std::vector<page_record>& pages) {
  writer w{test::writer_into(db.url(), spool)};
  for (auto& s : sessions) w.write(s);
  for (auto& p : pages) w.write(p);
  w.close();
}
}  // namespace

TEST_CASE("partitions: today's rows land in today's partition - out-of-range rows in DEFAULT until theirs exists") {
  test::stored_campaign f("parts");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  const auto now = clock::now();
  const auto old = make_day(2020, 3, 4);
  write_all(db, spool.path(), {s}, {test::make_page(s, 1, 5, now), test::make_page(s, 2, 7, old)});

  const auto today = floor<days>(now);
  const year_month_day ymd{today};
  char name[32];
  std::snprintf(name, sizeof name, "actions_p%04d%02u%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  CHECK(db.count(std::string("SELECT count(*) FROM ") + name) == 5);
  CHECK(db.count("SELECT count(*) FROM actions_default") == 7);
  CHECK(db.count("SELECT count(*) FROM page_visits_default") == 1);

  CHECK(ensure_day_partition(c, "actions", old));
  CHECK(ensure_day_partition(c, "page_visits", old));
  CHECK_FALSE(ensure_day_partition(c, "actions", old));
  CHECK(db.count("SELECT count(*) FROM actions_default") == 0);
  CHECK(db.count("SELECT count(*) FROM page_visits_default") == 0);
  CHECK(db.count("SELECT count(*) FROM actions_p20200304") == 7);
  CHECK(db.count("SELECT count(*) FROM page_visits_p20200304") == 1);
  // The generated column and the DEFAULT partition survived the move.
  CHECK(db.count("SELECT count(*) FROM page_visits WHERE dwell_time_ms IS NOT NULL") == 2);
  CHECK(db.scalar("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'actions_default'") == "DEFAULT");

  const auto parts = list_partitions(c);
  bool listed = false;
  for (const auto& p : parts)
    if (p.name == "actions_p20200304") {
      listed = true;
      CHECK(p.rows == 7);
      CHECK(p.bytes > 0);
      REQUIRE(p.from);
      CHECK(*p.from == storage::time_point(sys_days{year{2020} / 3 / 4}));
    }
  CHECK(listed);
  // days_ahead: a week of partitions per table exists ahead of today.
  CHECK(ensure_partitions(c, now).empty());
  CHECK(db.count("SELECT count(*) FROM pg_inherits WHERE inhparent = 'actions'::regclass") >= 9);
}

TEST_CASE("retention: expired detail goes (whole partitions dropped) - live detail and analytics stay") {
  test::stored_campaign f("retention");
  auto& [db, spool, c, k] = f;
  const auto now = clock::now();
  const auto d100 = floor<days>(now - days(100)) + hours(12);
  const auto d40 = floor<days>(now - days(40)) + hours(12);

  auto done_old = test::make_session(k, 0, session_status::completed);
  done_old.completed_at = d100;
  auto done_40 = test::make_session(k, 1, session_status::completed);  // 40 days: keep (90)
  done_40.completed_at = d40;
  auto failed_40 = test::make_session(k, 2, session_status::failed);  // 40 days: expired (30)
  failed_40.completed_at = d40;
  auto running_old = test::make_session(k, 3, session_status::running);
  for (auto t : {d100, d40}) {
    ensure_day_partition(c, "actions", t);
    ensure_day_partition(c, "page_visits", t);
  }
  write_all(db, spool.path(), {done_old, done_40, failed_40, running_old},
            {test::make_page(done_old, 1, 4, d100), test::make_page(done_40, 1, 3, d40),
             test::make_page(failed_40, 1, 2, d40), test::make_page(running_old, 1, 1, d40)});
  c.execute("INSERT INTO session_analytics (session_id, campaign_id, persona_id, total_duration_ms, "
            "pages_visited, navigation_depth, total_actions) VALUES ('" + done_old.id.str() + "', '" +
            k.id.str() + "', '" + k.persona_id.str() + "', 1000, 1, 1, 4)");

  const auto dry = run_retention(c, now, {}, false);
  CHECK_FALSE(dry.applied);
  REQUIRE(dry.steps.size() == 4);  // 2 drops (day 100), 2 row deletes (day 40)
  CHECK(db.count("SELECT count(*) FROM actions") == 10);  // dry run changed nothing

  const auto done = run_retention(c, now, {}, true);
  CHECK(done.steps.size() == 4);
  int drops = 0;
  for (auto& s : done.steps) drops += s.what == retention_step::kind::drop_partition;
  CHECK(drops == 2);
  const auto name100 = [&](const char* t) {
    const year_month_day ymd{floor<days>(d100)};
    char b[40];
    std::snprintf(b, sizeof b, "%s_p%04d%02u%02u", t, int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return std::string(b);
  };
  CHECK(db.scalar("SELECT to_regclass('" + name100("actions") + "') IS NULL") == "t");
  CHECK(db.count("SELECT count(*) FROM actions") == 3 + 1);  // done_40 + running_old
  CHECK(db.count("SELECT count(*) FROM page_visits") == 2);
  CHECK(db.count("SELECT count(*) FROM sessions") == 4);
  CHECK(db.count("SELECT count(*) FROM session_analytics") == 1);
  CHECK(run_retention(c, now, {}, false).steps.empty());
  // An old day partition that never got a row is dropped as well.
  const auto d60 = now - days(60);
  REQUIRE(ensure_day_partition(c, "actions", d60));
  const auto again = run_retention(c, now, {}, true);
  REQUIRE(again.steps.size() == 1);
  CHECK(again.steps[0].describe().find("(empty)") != std::string::npos);
  CHECK(db.count("SELECT count(*) FROM actions") == 4);
}
