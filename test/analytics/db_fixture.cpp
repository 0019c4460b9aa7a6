#include "test/analytics/db_fixture.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include <pqxx/pqxx>

#include "storage/connection.hpp"
#include "storage/embedded_server.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"

namespace footfall::test {
namespace {

storage::embedded_server& server() {
  static storage::embedded_server s = [] {
    storage::embedded_options o;
    if (const char* d = std::getenv("FOOTFALL_TEST_PGDATA"); d && *d) o.data_dir = d;
    else if (::geteuid() == 0) o.data_dir = "/var/lib/footfall/test-pg";
    else o.data_dir = "/tmp/footfall-test-pg-" + std::to_string(::getuid());
    o.fsync = false;
    storage::embedded_server srv{o};
    srv.ensure_running();
    return srv;
  }();
  return s;
}

}  // namespace

analytics_db::analytics_db() {
  auto& s = server();
  s.ensure_running();
  std::mt19937_64 rng{std::random_device{}()};
  name_ = "ta_" + std::to_string(rng() % 1000000000000ULL);
  admin_url_ = s.url("postgres");
  {
    pqxx::connection admin{admin_url_};
    pqxx::nontransaction tx{admin};
    tx.exec("CREATE DATABASE " + name_);
  }
  url_ = s.url(name_);
  storage::connection c{url_};
  storage::migrate(c);
  storage::ensure_partitions(c, storage::clock::now());
}

analytics_db::~analytics_db() {
  try {
    pqxx::connection admin{admin_url_};
    pqxx::nontransaction tx{admin};
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {  // the data dir is disposable; never throw from a destructor
  }
}

std::string analytics_db::scalar(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::nontransaction tx{c};
  const auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

void analytics_db::exec(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::work tx{c};
  tx.exec(sql);
  tx.commit();
}

}  // namespace footfall::test
