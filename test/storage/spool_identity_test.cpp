// Spool files belong to one database: replayed only into the database they were written for.
#include <doctest/doctest.h>

#include <filesystem>

#include "samples.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;

namespace {
std::size_t spool_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("spool-", 0) == 0) ++n;
  return n;
}
}  // namespace

TEST_CASE(
    "writer: a spool written for database A is not replayed into B - and is replayed into A") {
  test::fresh_database a, b;
  test::temp_dir spool;
  connection ca{a.url()}, cb{b.url()};
  const auto ka = test::store_campaign(ca, "spool-a");
  test::store_campaign(cb, "spool-b");
  const auto id_a = database_identity(ca), id_b = database_identity(cb);
  REQUIRE(id_a != id_b);
  CHECK(id_a.find("/" + a.name()) != std::string::npos);

  // Written while A was unreachable: the writer knows which database its rows are for.
  const auto s = test::make_session(ka, 0);
  {
    writer_options o;
    o.url = "postgresql:///nope?host=/nonexistent";
    o.database_identity = id_a;
    o.spool_dir = spool.path();
    o.spool_after = 0ms;
    o.close_timeout = 0ms;
    o.replay_orphan_spools = false;
    writer w{o};
    w.write(s);
    w.write(test::make_page(s, 1, 3));
    w.write(test::make_page(s, 2, 3));
    w.close();
    CHECK(w.stats().batches_spooled >= 1);
  }
  REQUIRE(spool_files(spool.path()) == 1);

  // A writer of B leaves it alone (and says so); B gets nothing of A's.
  {
    writer w{test::writer_into(b.url(), spool.path())};
    w.flush();
    w.close();
    CHECK(w.stats().foreign_spools == 1);
    CHECK(w.stats().batches_replayed == 0);
  }
  CHECK(b.count("SELECT count(*) FROM page_visits") == 0);
  CHECK(b.count("SELECT count(*) FROM sessions") == 0);
  CHECK(spool_files(spool.path()) == 1);

  // A writer of A replays it, once.
  {
    writer w{test::writer_into(a.url(), spool.path())};
    w.flush();
    w.close();
    CHECK(w.stats().batches_replayed >= 1);
    CHECK(w.stats().rejected_items == 0);
  }
  CHECK(a.count("SELECT count(*) FROM sessions") == 1);
  CHECK(a.count("SELECT count(*) FROM page_visits") == 2);
  CHECK(a.count("SELECT count(*) FROM actions") == 6);
  CHECK(spool_files(spool.path()) == 0);
}

TEST_CASE("writer: a URL that now reaches another database is no connection - rows wait for A") {
  test::fresh_database a, b;
  test::temp_dir spool;
  connection ca{a.url()};
  const auto ka = test::store_campaign(ca, "moved");
  const auto s = test::make_session(ka, 0);
  writer_options o;
  o.url = b.url();  // "A's URL", now answered by B
  o.database_identity = database_identity(ca);
  o.spool_dir = spool.path();
  o.spool_after = 0ms;
  o.close_timeout = 300ms;
  o.reconnect_initial = 20ms;
  {
    writer w{o};
    w.write(s);
    w.close();
    CHECK(w.stats().batches_spooled >= 1);
    CHECK(w.stats().items_written == 0);
  }
  CHECK(b.count("SELECT count(*) FROM sessions") == 0);
  o.url = a.url();
  {
    writer w{o};
    w.close();
  }
  CHECK(a.count("SELECT count(*) FROM sessions") == 1);
}
