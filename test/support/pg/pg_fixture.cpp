#include "support/pg/pg_fixture.hpp"

#include <unistd.h>

#include <cstdlib>
#include <random>

#include <pqxx/pqxx>

#include "storage/connection.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"

namespace footfall::test {
namespace fs = std::filesystem;

std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string s;
  auto x = rng();
  for (int i = 0; i < 12; ++i, x >>= 4) s += hex[x & 15];
  return s;
}

fs::path test_data_dir(const std::string& suffix) {
  fs::path base;
  if (const char* d = std::getenv("FOOTFALL_TEST_PGDATA"); d && *d) base = d;
  else if (::geteuid() == 0) base = "/var/lib/footfall/test-pg";
  else base = "/tmp/footfall-test-pg-" + std::to_string(::getuid());
  return suffix.empty() ? base : fs::path(base.string() + suffix);
}

storage::embedded_server& test_server() {
  static storage::embedded_server server = [] {
    storage::embedded_options o;
    o.data_dir = test_data_dir();
    o.fsync = false;
    storage::embedded_server s{o};
    s.ensure_running();
    return s;
  }();
  return server;
}

fresh_database::fresh_database(bool migrate, storage::embedded_server* server)
    : server_(server ? server : &test_server()) {
  server_->ensure_running();
  name_ = "t_" + random_suffix();
  {
    pqxx::connection admin{server_->url("postgres")};
    pqxx::nontransaction tx{admin};
    tx.exec("CREATE DATABASE " + name_);
  }
  url_ = server_->url(name_);
  if (migrate) {
    storage::connection c{url_};
    storage::migrate(c);
    storage::ensure_partitions(c, storage::clock::now());
  }
}

fresh_database::~fresh_database() {
  try {
    pqxx::connection admin{server_->url("postgres")};
    pqxx::nontransaction tx{admin};
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {  // server stopped by the test: the next run's data dir is disposable anyway
  }
}

std::string fresh_database::scalar(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::nontransaction tx{c};
  auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

std::vector<std::vector<std::string>> fresh_database::rows(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::nontransaction tx{c};
  std::vector<std::vector<std::string>> out;
  for (const auto& row : tx.exec(sql)) {
    std::vector<std::string> r;
    for (const auto& f : row) r.push_back(f.is_null() ? "" : f.c_str());
    out.push_back(std::move(r));
  }
  return out;
}

void fresh_database::exec(const std::string& sql) const {
  pqxx::connection c{url_};
  pqxx::work tx{c};
  tx.exec(sql);
  tx.commit();
}

}  // namespace footfall::test
