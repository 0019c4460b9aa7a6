#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include <pqxx/pqxx>

#include "support/pg/pg_fixture.hpp"
#include "storage/embedded_server.hpp"

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
