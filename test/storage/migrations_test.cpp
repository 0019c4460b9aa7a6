#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;

TEST_CASE("migrations create the partitioned schema once and are idempotent") {
  test::fresh_database db{false};
  storage::connection c{db.url()};
  CHECK(storage::applied_migrations(c).empty());

  const auto first = storage::migrate(c);
  REQUIRE(first.size() == storage::embedded_migrations().size());
  CHECK(first.front() == "0001_enums");
  CHECK(storage::migrate(c).empty());
  CHECK(db.count("SELECT count(*) FROM schema_migrations") == long(first.size()));

  // page_visits by RANGE(arrived_at) and actions by RANGE("timestamp"), each with a DEFAULT.
  CHECK(db.scalar("SELECT pg_get_partkeydef('page_visits'::regclass)") == "RANGE (arrived_at)");
  CHECK(db.scalar("SELECT pg_get_partkeydef('actions'::regclass)") == "RANGE (\"timestamp\")");
  CHECK(db.count("SELECT count(*) FROM pg_inherits WHERE inhrelid = 'actions_default'::regclass") == 1);
  for (auto t : {"personas", "campaigns", "sessions", "page_visits", "actions", "session_analytics",
                 "campaign_analytics", "writer_batches"})
    CHECK_MESSAGE(db.scalar(std::string("SELECT to_regclass('") + t + "') IS NOT NULL") == "t", t);
}

TEST_CASE("two processes migrating at once apply every migration exactly once") {
  test::fresh_database db{false};
  std::vector<std::string> a, b;
  std::string error;
  // Separate connections = separate server sessions, exactly as two pods would be.
  auto run = [&](std::vector<std::string>& out) {
    try {
      storage::connection c{db.url()};
      out = storage::migrate(c);
    } catch (const std::exception& e) {
      error = e.what();
    }
  };
  std::thread t1(run, std::ref(a)), t2(run, std::ref(b));
  t1.join();
  t2.join();
  REQUIRE(error.empty());
  std::set<std::string> all(a.begin(), a.end());
  for (const auto& m : b) CHECK_MESSAGE(all.insert(m).second, "applied twice: " << m);
  CHECK(all.size() == storage::embedded_migrations().size());
  CHECK(db.count("SELECT count(*) FROM schema_migrations") == long(all.size()));
}

TEST_CASE("a failing migration names itself and leaves the schema as it was") {
  test::fresh_database db{true};
  storage::connection c{db.url()};
  // Simulate a database migrated by another build: same version number, other name.
  c.execute("UPDATE schema_migrations SET name = '0002_something_else' WHERE version = 2");
  try {
    storage::migrate(c);
    FAIL("migrate accepted a diverged schema");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("0002_something_else") != std::string::npos);
  }
}
