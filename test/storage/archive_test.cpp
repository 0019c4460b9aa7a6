// Cold storage: `db retention --archive` writes expired detail to files before it leaves the
// database, `db restore` brings it back. Against the suite's real PostgreSQL.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "samples.hpp"
#include "storage/archive_manifest.hpp"
#include "storage/archive_restore.hpp"
#include "storage/partitions.hpp"
#include "storage/retention.hpp"
#include "storage/writer.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
namespace fs = std::filesystem;
namespace ch = std::chrono;

namespace {

// One campaign: a session completed 100 days ago and one failed 40 days ago (both expired), one
// completed 40 days ago and one still running (both kept); a trace for the old one.
struct expired_fixture {
  test::fresh_database db;
  test::temp_dir spool;
  connection c{db.url()};
  campaign k = test::store_campaign(c, "cold");
  time_point now = clock::now();
  session_row done_old, failed_40, done_40, running;

  expired_fixture() {
    const auto d100 = ch::floor<ch::days>(now - ch::days(100)) + ch::hours(12);
    const auto d40 = ch::floor<ch::days>(now - ch::days(40)) + ch::hours(12);
    done_old = test::make_session(k, 0, session_status::completed);
    done_old.completed_at = d100;
    failed_40 = test::make_session(k, 1, session_status::failed);
    failed_40.completed_at = d40;
    done_40 = test::make_session(k, 2, session_status::completed);
    done_40.completed_at = d40;
    running = test::make_session(k, 3, session_status::running);
    for (auto t : {d100, d40})
      for (const char* table : partitioned_tables) ensure_day_partition(c, table, t);
    writer w{test::writer_into(db.url(), spool.path())};
    for (auto* s : {&done_old, &failed_40, &done_40, &running}) w.write(*s);
    for (auto& p : {test::make_page(done_old, 1, 4, d100), test::make_page(done_old, 2, 3, d100 + ch::hours(1)),
                    test::make_page(failed_40, 1, 2, d40), test::make_page(done_40, 1, 3, d40),
                    test::make_page(running, 1, 1, d40)})
      w.write(p);
    w.close();
    db.exec("INSERT INTO session_traces (session_id, attempt, mode, captured_at, frames, errors, bytes) "
            "VALUES ('" + done_old.id.str() + "', 0, 'failure', now() - interval '100 days', "
            "'[{\"at_ms\": 1, \"jpeg\": \"/9j/\"}]', '[{\"kind\": \"console\", \"text\": \"a\\tb\"}]', 10)");
  }
  std::string expired_ids() const { return "('" + done_old.id.str() + "', '" + failed_40.id.str() + "')"; }
  retention_policy archive_to(const fs::path& dir) const {
    retention_policy p;
    p.archive_dir = dir;
    return p;
  }
};

// The expired sessions' rows, every column as text, in a stable order.
std::vector<std::vector<std::vector<std::string>>> expired_rows(const test::fresh_database& db,
                                                               const std::string& ids) {
  return {db.rows("SELECT * FROM sessions WHERE id IN " + ids + " ORDER BY id"),
          db.rows("SELECT * FROM page_visits WHERE session_id IN " + ids + " ORDER BY id"),
          db.rows("SELECT a.* FROM actions a JOIN page_visits pv ON pv.id = a.page_visit_id WHERE "
                  "pv.session_id IN " + ids + " ORDER BY a.id"),
          db.rows("SELECT * FROM session_traces WHERE session_id IN " + ids + " ORDER BY session_id"),
          db.rows("SELECT c.* FROM campaigns c"), db.rows("SELECT p.* FROM personas p")};
}

fs::path only_file(const fs::path& dir, const std::string& table) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().parent_path().filename() == table && e.path().extension() == ".zst") return e.path();
  FAIL("no file of " << table << " in " << dir);
  return {};
}

}  // namespace

TEST_CASE("archive: retention --archive then restore into a fresh database gives identical rows - a second restore adds nothing") {
  expired_fixture f;
  test::temp_dir archive;
  const auto before = expired_rows(f.db, f.expired_ids());
  REQUIRE(before[2].size() == 9);  // 4 + 3 + 2 actions
  const auto r = run_retention(f.c, f.now, f.archive_to(archive.path() / "cold"), true);
  REQUIRE(r.archive);
  CHECK(r.archive->rows == 9 + 3 + 1);  // actions, page visits, the trace
  CHECK(f.db.count("SELECT count(*) FROM actions") == 4);  // done_40 + running stay
  CHECK(f.db.count("SELECT count(*) FROM session_traces") == 0);

  const auto runs = list_archive(archive.path() / "cold");
  REQUIRE(runs.size() == 1);
  const auto& m = runs[0].manifest;
  CHECK(m.schema_version > 0);
  REQUIRE(m.campaigns.size() == 1);
  CHECK(m.campaigns[0].name == "cold");
  CHECK(m.campaigns[0].sessions == 2);
  CHECK(m.from < m.to);
  for (const auto& file : m.files) CHECK(file.sha256.size() == 64);

  test::fresh_database fresh;
  connection c2{fresh.url()};
  const auto restored = restore_archive(c2, archive.path() / "cold");
  CHECK(expired_rows(fresh, f.expired_ids()) == before);
  CHECK(fresh.count("SELECT count(*) FROM sessions") == 2);  // only the sessions the detail needs
  std::int64_t added = 0;
  for (const auto& t : restored.tables) added += t.restored;
  CHECK(added == 1 + 1 + 2 + 3 + 9 + 1);

  const auto again = restore_archive(c2, archive.path() / "cold");
  for (const auto& t : again.tables) CHECK_MESSAGE(t.restored == 0, t.table);
  CHECK(expired_rows(fresh, f.expired_ids()) == before);

  // Back into the database it came from: the rows return beside the live ones.
  restore_archive(f.c, archive.path() / "cold");
  CHECK(expired_rows(f.db, f.expired_ids()) == before);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 13);
}

TEST_CASE("archive: restore --campaign takes only that campaign's rows - an unknown one is refused") {
  expired_fixture f;
  test::temp_dir archive;
  // A second campaign with an expired session in the same archive.
  const auto other = test::store_campaign(f.c, "other");
  auto s = test::make_session(other, 0, session_status::completed);
  s.completed_at = f.now - ch::days(100);
  {
    writer w{test::writer_into(f.db.url(), f.spool.path())};
    w.write(s);
    w.write(test::make_page(s, 1, 5, f.now - ch::days(100)));
    w.close();
  }
  run_retention(f.c, f.now, f.archive_to(archive.path()), true);
  test::fresh_database fresh;
  connection c2{fresh.url()};
  CHECK_THROWS_AS(restore_archive(c2, archive.path(), {std::string("nope")}), archive_error);
  restore_archive(c2, archive.path(), {std::string("other")});
  CHECK(fresh.count("SELECT count(*) FROM campaigns") == 1);
  CHECK(fresh.count("SELECT count(*) FROM sessions") == 1);
  CHECK(fresh.count("SELECT count(*) FROM actions") == 5);
  CHECK(fresh.count("SELECT count(*) FROM session_traces") == 0);
}

TEST_CASE("archive: a damaged file or a newer schema or a directory that is no archive is refused and nothing is restored") {
  expired_fixture f;
  test::temp_dir archive, empty;
  run_retention(f.c, f.now, f.archive_to(archive.path()), true);
  test::fresh_database fresh;
  connection c2{fresh.url()};

  CHECK_THROWS_AS(restore_archive(c2, empty.path()), archive_error);

  const auto run = list_archive(archive.path()).at(0).dir;
  const auto manifest = run / "manifest.json";
  std::string text;
  {
    std::ifstream in(manifest);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto j = nlohmann::json::parse(text);
  j["schema_version"] = 9999;
  j["schema"] = "9999_future";
  std::ofstream(manifest) << j.dump();
  CHECK_THROWS_WITH_AS(restore_archive(c2, archive.path()), doctest::Contains("9999_future"), archive_error);
  std::ofstream(manifest) << text;

  const auto victim = only_file(run, "page_visits");
  {
    std::fstream io(victim, std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(20);
    const char was = char(io.get());
    io.seekp(20);
    io.put(char(was ^ 0x5a));
  }
  CHECK_THROWS_WITH_AS(restore_archive(c2, archive.path()), doctest::Contains(victim.string().c_str()), archive_error);
  CHECK(fresh.count("SELECT count(*) FROM sessions") == 0);
  CHECK(fresh.count("SELECT count(*) FROM personas") == 0);
}

TEST_CASE("archive: an archive directory that cannot be written stops retention before anything is removed") {
  expired_fixture f;
  test::temp_dir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  CHECK_THROWS_AS(run_retention(f.c, f.now, f.archive_to(tmp.path() / "file" / "cold"), true),
                  std::system_error);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 13);
  CHECK(f.db.count("SELECT count(*) FROM session_traces") == 1);
}

TEST_CASE("archive: kill -9 after the archive is written and before rows are removed loses nothing") {
  expired_fixture f;
  test::temp_dir archive;
  const auto before = expired_rows(f.db, f.expired_ids());
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // A process of its own (its own connection): archive, then stop at the hook until killed.
    try {
      connection c{f.db.url()};
      auto p = f.archive_to(archive.path());
      p.after_archive = [&] {
        (void)!::write(fds[1], "x", 1);
        for (;;) ::pause();
      };
      run_retention(c, f.now, p, true);
    } catch (...) {
    }
    ::_exit(1);
  }
  ::close(fds[1]);
  char x = 0;
  REQUIRE(::read(fds[0], &x, 1) == 1);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fds[0]);
  CHECK(WIFSIGNALED(status));
  // Both places hold the rows: the database untouched, the archive complete.
  CHECK(expired_rows(f.db, f.expired_ids()) == before);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 13);
  REQUIRE(list_archive(archive.path()).size() == 1);

  // The next run archives the same rows again and removes them; a restore of both runs
  // gives each row once.
  run_retention(f.c, f.now, f.archive_to(archive.path()), true);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 4);
  CHECK(list_archive(archive.path()).size() == 2);
  test::fresh_database fresh;
  connection c2{fresh.url()};
  restore_archive(c2, archive.path());
  CHECK(expired_rows(fresh, f.expired_ids()) == before);
}

TEST_CASE("archive: retention without --archive writes nothing and removes as before") {
  expired_fixture f;
  const auto r = run_retention(f.c, f.now, {}, true);
  CHECK_FALSE(r.archive);
  // day 100: 2 drops; day 40: 2 row deletes; the trace. The requests table (page health) has
  // empty day partitions there too, which go as whole partitions.
  std::vector<retention_step> detail;
  for (const auto& s : r.steps) {
    if (s.parent != "requests") {
      detail.push_back(s);
      continue;
    }
    CHECK(s.what == retention_step::kind::drop_partition);
    CHECK(s.rows == 0);
  }
  REQUIRE(detail.size() == 5);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 4);
  CHECK(f.db.count("SELECT count(*) FROM session_traces") == 0);
}

namespace {
struct cli_result {
  int code;
  std::string out;
};
// The real binary, next to this test in the build tree (build/test -> build/engine/footfall).
cli_result footfall_cli(const std::string& args) {
  const auto bin = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "engine" / "footfall";
  REQUIRE_MESSAGE(fs::exists(bin), "build the footfall target first: " << bin);
  FILE* p = ::popen((bin.string() + " " + args + " 2>/dev/null").c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  while (const auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}
}  // namespace

TEST_CASE("archive: footfall db retention --archive / archive list / restore - output and exit codes") {
  expired_fixture f;
  test::temp_dir tmp;
  const auto url = " --database-url '" + f.db.url() + "'";
  const auto dir = (tmp.path() / "cold").string();
  std::ofstream(tmp.path() / "file") << "x";

  CHECK(footfall_cli("db restore " + tmp.path().string() + url).code == 2);  // no manifest
  CHECK(footfall_cli("db archive list " + tmp.path().string()).code == 2);
  CHECK(footfall_cli("db archive nonsense " + dir).code == 2);
  CHECK(footfall_cli("db retention --apply --archive " + (tmp.path() / "file" / "x").string() + url).code == 3);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 13);  // nothing removed

  const auto ret = footfall_cli("db retention --apply --json --archive " + dir + url);
  REQUIRE(ret.code == 0);
  CHECK(nlohmann::json::parse(ret.out)["archive"]["rows"] == 13);
  CHECK(f.db.count("SELECT count(*) FROM actions") == 4);

  const auto list = footfall_cli("db archive list --json " + dir);
  REQUIRE(list.code == 0);
  const auto runs = nlohmann::json::parse(list.out)["runs"];
  REQUIRE(runs.size() == 1);
  CHECK(runs[0]["campaigns"][0]["name"] == "cold");
  CHECK(runs[0]["tables"]["actions"]["rows"] == 9);
  CHECK(footfall_cli("db archive list " + dir).out.find("actions") != std::string::npos);

  test::fresh_database fresh;
  const auto url2 = " --database-url '" + fresh.url() + "'";
  CHECK(footfall_cli("db restore " + dir + " --campaign nope" + url2).code == 2);
  const auto res = footfall_cli("db restore --json " + dir + url2);
  REQUIRE(res.code == 0);
  std::int64_t restored = 0;
  const auto out = nlohmann::json::parse(res.out);
  for (const auto& t : out["tables"]) restored += t["restored"].get<std::int64_t>();
  CHECK(restored == 17);
  CHECK(fresh.count("SELECT count(*) FROM actions") == 9);

  {
    std::fstream io(only_file(dir, "actions"), std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(30);
    const char was = char(io.get());
    io.seekp(30);
    io.put(char(was ^ 0x5a));
  }
  CHECK(footfall_cli("db restore " + dir + url2).code == 2);
}
