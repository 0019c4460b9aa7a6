#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "samples.hpp"
#include "storage/errors.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"
#include "support/pg/own_server.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;

namespace {
writer_options fast_options(const std::string& url, const std::filesystem::path& spool) {
  auto o = test::writer_into(url, spool, 2s);
  o.reconnect_initial = 20ms;
  o.reconnect_max = 200ms;
  return o;
}

// Rows of a campaign's sessions, and whether any id appears twice.
struct tally {
  std::int64_t visits, actions, distinct_actions;
};
tally count_rows(const test::fresh_database& db) {
  return {db.count("SELECT count(*) FROM page_visits"), db.count("SELECT count(*) FROM actions"),
          db.count("SELECT count(DISTINCT id) FROM actions")};
}
}  // namespace

TEST_CASE("writer: sessions - pages and actions land in order and read back equal") {
  test::stored_campaign f("writer");
  auto& [db, spool, c, k] = f;
  auto s = test::make_session(k, 0);
  std::vector<page_record> pages;
  {
    writer w{fast_options(db.url(), spool.path())};
    // The session row and its pages may share a batch: the session is written first.
    w.write(s);
    for (int i = 1; i <= 3; ++i) {
      pages.push_back(test::make_page(s, i, 5 * i));
      w.write(pages.back());
    }
    s.status = session_status::completed;
    s.pages_visited = 3;
    s.total_actions = 30;
    s.completed_at = clock::now();
    s.error_message = "none\twhatsoever";
    w.write(s);
    w.flush();
    CHECK(w.stats().rows_written == 2 + 3 + 30);
  }
  const auto back = visit_repository(c).pages(s.id);
  REQUIRE(back.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back[i].visit.id == pages[i].visit.id);
    CHECK(back[i].visit.title == pages[i].visit.title);
    REQUIRE(back[i].actions.size() == pages[i].actions.size());
    for (std::size_t j = 0; j < back[i].actions.size(); ++j) {
      CHECK(back[i].actions[j].id == pages[i].actions[j].id);
      CHECK(back[i].actions[j].input_value == pages[i].actions[j].input_value);
      CHECK(back[i].actions[j].x == pages[i].actions[j].x);
    }
  }
  const auto stored = session_repository(c).find(s.id);
  REQUIRE(stored);
  CHECK(stored->status == session_status::completed);
  CHECK(stored->total_actions == 30);
  CHECK(stored->error_message == "none\twhatsoever");
  CHECK(db.count("SELECT count(*) FROM page_visits WHERE dwell_time_ms = 10") == 1);
}

TEST_CASE("writer: a full queue makes the producer wait - nothing is dropped") {
  test::stored_campaign f("pressure");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  auto o = fast_options(db.url(), spool.path());
  o.queue_rows = 50;
  o.batch_rows = 40;
  writer w{o};
  w.write(s);
  for (int i = 1; i <= 100; ++i) w.write(test::make_page(s, i, 9));
  w.close();
  CHECK(w.stats().producer_waits > 0);
  CHECK(count_rows(db).visits == 100);
  CHECK(count_rows(db).actions == 900);
  CHECK_THROWS_AS(w.write(test::make_page(s, 101, 1)), std::logic_error);
}

TEST_CASE("writer: invalid records are refused at write() - refused by the database - kept aside") {
  test::stored_campaign f("refused");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  writer w{fast_options(db.url(), spool.path())};
  auto bad = test::make_page(s, 1, 3);
  bad.actions[2].action_order = 7;
  CHECK_THROWS_WITH_AS(w.write(bad), doctest::Contains("actions[2].action_order (7) must be 3"),
                       validation_error);
  // Passes validation, but its session does not exist: the database refuses it (FK).
  const auto orphan_session = test::make_session(k, 1);
  w.write(s);
  w.write(test::make_page(s, 1, 4));
  w.write(test::make_page(orphan_session, 1, 2));
  w.write(test::make_page(s, 2, 4));
  w.close();
  CHECK(w.stats().rejected_items == 1);
  CHECK(count_rows(db).visits == 2);
  CHECK(count_rows(db).actions == 8);
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(spool.path()))
    if (e.path().filename().string().rfind("rejected-", 0) == 0) {
      ++files;
      std::ifstream in(e.path());
      std::string line;
      std::getline(in, line);
      CHECK(line.find("page_visits_session_id_fkey") != std::string::npos);
      CHECK(line.find(orphan_session.id.str()) != std::string::npos);
    }
  CHECK(files == 1);
}

TEST_CASE("writer: survives the server stopping and restarting mid-stream - no row lost or doubled") {
  test::own_server own("-restart");
  auto& server = own.server;
  const auto& db = own.db;
  test::temp_dir spool;
  connection setup{db.url()};
  const auto k = test::store_campaign(setup, "restart");
  const auto s = test::make_session(k, 0);

  auto o = fast_options(db.url(), spool.path());
  o.spool_after = 30s;  // this outage is short: the writer retries rather than spooling
  o.batch_rows = 2'000;  // the writer is busy in COPY most of the time: the stop lands mid-batch
  writer w{o};
  w.write(s);
  constexpr int pages = 3'000, per_page = 10;
  constexpr std::uint64_t total_rows = 1 + pages * (1 + per_page);
  std::thread producer([&] {
    for (int i = 1; i <= pages; ++i) w.write(test::make_page(s, i, per_page));
  });
  while (w.stats().rows_written < total_rows / 3) std::this_thread::sleep_for(1ms);
  REQUIRE(server.stop());  // pg_ctl stop -m fast, while the writer is mid-stream
  CHECK(w.stats().rows_written < total_rows);
  std::this_thread::sleep_for(500ms);
  server.ensure_running();
  producer.join();
  w.close();
  CHECK(w.stats().reconnects >= 1);
  CHECK(w.stats().rejected_items == 0);  // no duplicate-key refusals either
  const auto t = count_rows(db);
  CHECK(t.visits == pages);
  CHECK(t.actions == pages * per_page);
  CHECK(t.distinct_actions == t.actions);
}

TEST_CASE("writer: spools while the database is down past the limit - replays when it returns") {
  test::own_server own("-spool");
  auto& server = own.server;
  const auto& db = own.db;
  test::temp_dir spool;
  connection setup{db.url()};
  const auto k = test::store_campaign(setup, "spool");
  const auto s = test::make_session(k, 0);
  setup = connection{server.url("postgres")};  // keep no connection to db open

  auto o = fast_options(db.url(), spool.path());
  o.spool_after = 200ms;
  {
    writer w{o};
    w.write(s);
    w.write(test::make_page(s, 1, 5));
    w.flush();
    REQUIRE(server.stop());
    for (int i = 2; i <= 6; ++i) w.write(test::make_page(s, i, 5));
    w.flush();  // returns once spooled: the engine is not held up by the outage
    CHECK(w.stats().batches_spooled >= 1);
    server.ensure_running();
    w.write(test::make_page(s, 7, 5));
    w.close();
    CHECK(w.stats().batches_replayed == w.stats().batches_spooled);
    CHECK(w.stats().rejected_items == 0);
  }
  CHECK(count_rows(db).visits == 7);
  CHECK(count_rows(db).actions == 35);

  // Writer 1 dies with the database down: its spool is replayed by the next writer, once.
  {
    REQUIRE(server.stop());
    o.close_timeout = 300ms;
    writer w{o};
    for (int i = 8; i <= 9; ++i) w.write(test::make_page(s, i, 5));
    w.close();
    CHECK(w.stats().batches_spooled >= 1);
  }
  server.ensure_running();
  {
    writer w{o};
    w.write(test::make_page(s, 10, 5));
    w.close();
    CHECK(w.stats().batches_replayed >= 1);
  }
  CHECK(count_rows(db).visits == 10);
  CHECK(count_rows(db).actions == 50);
  CHECK(count_rows(db).distinct_actions == 50);
  for (auto& e : std::filesystem::directory_iterator(spool.path()))
    CHECK_MESSAGE(std::filesystem::file_size(e.path()) == 0, "left over: " << e.path());
}

TEST_CASE("writer: a batch whose commit already happened is not written again on replay") {
  test::stored_campaign f("once");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  auto o = fast_options(db.url(), spool.path());
  {
    writer w{o};
    w.write(s);
    w.close();
  }
  // A spool line as a writer leaves it when it lost the connection during COMMIT: the batch
  // may or may not be in the database. Replaying it twice must write it once.
  const auto page = test::make_page(s, 1, 4);
  const auto batch_id = uuid::v7().str();
  std::string line;
  {
    test::temp_dir probe;
    auto po = o;
    po.spool_dir = probe.path();
    po.url = "postgresql:///nope?host=/nonexistent";
    po.spool_after = 0ms;
    po.close_timeout = 0ms;
    po.replay_orphan_spools = false;
    po.database_identity = database_identity(c);  // the spool is db's, though written elsewhere
    writer w{po};
    w.write(page);
    w.close();
    for (auto& e : std::filesystem::directory_iterator(probe.path())) {
      std::ifstream in(e.path());
      std::string header;
      std::getline(in, header);
      CHECK(header.find("\"spool_for\"") != std::string::npos);
      std::getline(in, line);
      line = header + "\n" + line;
    }
  }
  REQUIRE(!line.empty());
  for (int round = 0; round < 2; ++round) {
    std::ofstream(spool.path() / ("spool-replay-" + std::to_string(round) + ".jsonl")) << line << "\n";
    writer w{o};
    w.flush();
    w.close();
    CHECK(w.stats().batches_skipped == (round == 0 ? 0u : 1u));
  }
  CHECK(count_rows(db).visits == 1);
  CHECK(count_rows(db).actions == 4);
  (void)batch_id;
}

TEST_CASE("writer: SIGTERM flushes what was written") {
  test::stored_campaign f("sigterm");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  if (child == 0) {
    auto o = fast_options(db.url(), spool.path());
    o.flush_interval = 60s;  // nothing would be flushed by time alone before the signal
    o.batch_rows = 1'000'000;
    writer w{o};
    close_on_signal(w);
    w.write(s);
    for (int i = 1; i <= 50; ++i) w.write(test::make_page(s, i, 20));
    char one = 1;
    (void)!::write(ready[1], &one, 1);
    for (;;) ::pause();
  }
  char buf;
  REQUIRE(::read(ready[0], &buf, 1) == 1);
  CHECK(count_rows(db).visits == 0);  // still queued in the child
  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 128 + SIGTERM);
  CHECK(count_rows(db).visits == 50);
  CHECK(count_rows(db).actions == 1000);
}

TEST_CASE("writer: overflow_policy::spill - write() never waits - an over-full queue spools at once "
          "while the database is down") {
  test::stored_campaign f("spill");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  auto o = fast_options("postgresql:///nope?host=/nonexistent", spool.path());
  o.queue_rows = 10;
  o.batch_rows = 10;
  o.when_full = overflow_policy::spill;
  o.spool_after = 60s;  // the outage is young: only the overflow may go to disk now
  o.close_timeout = 0ms;
  o.database_identity = database_identity(c);
  writer w{o};
  const auto t0 = std::chrono::steady_clock::now();
  w.write(s);
  for (int i = 1; i <= 40; ++i) w.write(test::make_page(s, i, 5));
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 1s);  // a blocking producer would wait for a database that is not there
  CHECK(w.stats().producer_waits == 0);
  CHECK(w.stats().overflow_writes > 0);
  for (int i = 0; i < 100 && w.stats().batches_spooled == 0; ++i) std::this_thread::sleep_for(20ms);
  CHECK(w.stats().batches_spooled >= 1);
  w.close();
  // Everything is on disk, none of it lost: the database's next writer replays all 40 pages.
  auto back = fast_options(db.url(), spool.path());
  {
    writer r{back};
    r.close();
  }
  CHECK(count_rows(db).visits == 40);
  CHECK(count_rows(db).actions == 200);
}
