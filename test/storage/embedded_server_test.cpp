#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <pqxx/pqxx>

#include "storage/embedded_server.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
namespace fs = std::filesystem;

TEST_CASE("embedded server: socket-only - reused across starts - status and stop") {
  auto& server = test::test_server();
  const auto url = server.ensure_running();
  CHECK(url == server.url());
  CHECK(url.find("host=" + server.options().data_dir.string()) != std::string::npos);
  CHECK(fs::exists(server.options().data_dir / ".s.PGSQL.5432"));

  const auto st = server.status();
  CHECK(st.initialized);
  CHECK(st.running);
  REQUIRE(st.pid);
  // A second ensure_running reuses the same postmaster.
  server.ensure_running();
  CHECK(server.status().pid == st.pid);

  pqxx::connection c{url};
  pqxx::nontransaction tx{c};
  CHECK(tx.exec1("SHOW listen_addresses")[0].as<std::string>().empty());
  CHECK(tx.exec1("SELECT current_database()")[0].as<std::string>() == "footfall");
}

TEST_CASE("embedded server: two processes starting a fresh data dir at once initialize it once") {
  storage::embedded_options o;
  o.data_dir = test::test_data_dir("-race");
  o.fsync = false;
  storage::embedded_server server{o};
  server.stop();
  fs::remove_all(o.data_dir);

  pid_t kids[2];
  for (auto& k : kids) {
    k = ::fork();
    if (k == 0) {
      try {
        storage::embedded_server{o}.ensure_running();
        ::_exit(0);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child: %s\n", e.what());
        ::_exit(1);
      }
    }
  }
  for (auto k : kids) {
    int status = 0;
    ::waitpid(k, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(server.status().running);
  pqxx::connection c{server.url()};
  CHECK(c.is_open());
  CHECK(server.stop());
  CHECK_FALSE(server.status().running);
  CHECK_FALSE(server.stop());
  fs::remove_all(o.data_dir);
}

TEST_CASE("embedded server: private - socket dir 0700 - another local user cannot connect") {
  auto& server = test::test_server();
  const auto url = server.ensure_running();
  const auto dir = server.options().data_dir;
  struct stat st {};
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((dir / ".s.PGSQL.5432").c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);  // no group or other bits on the socket
  {
    pqxx::connection c{url};  // the invoking user (root here) still connects
    CHECK(c.is_open());
  }
  if (::geteuid() != 0) return;  // another user to try as needs root
  // `nobody` runs psql against the same URL: refused at the socket, before any auth.
  const std::string cmd = "runuser -u nobody -- /usr/lib/postgresql/15/bin/psql '" + url +
                          "' -Atc 'SELECT 1' >/dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) != 0);
  // The check itself can succeed: the same command as root does connect.
  const std::string as_root =
      "/usr/lib/postgresql/15/bin/psql '" + url + "' -Atc 'SELECT 1' >/dev/null 2>&1";
  CHECK(std::system(as_root.c_str()) == 0);
}
