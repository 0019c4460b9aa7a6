#pragma once
// A PostgreSQL server of a test's own, for tests that stop and restart it: they must not disturb
// the suite's shared one (test_server()).
#include <string>

#include "storage/embedded_server.hpp"
#include "support/pg/pg_fixture.hpp"

namespace footfall::test {

/// An embedded server in test_data_dir(`suffix`) (fsync off) with a fresh database on it; at the
/// end the database is dropped, then the server stopped.
struct own_server {
  explicit own_server(const std::string& suffix)
      : server(options(suffix)), stopper{server}, db(true, &server) {}
  static storage::embedded_options options(const std::string& suffix) {
    storage::embedded_options eo;
    eo.data_dir = test_data_dir(suffix);
    eo.fsync = false;
    return eo;
  }
  struct stop_at_exit {
    storage::embedded_server& s;
    ~stop_at_exit() {
      try {
        s.stop();
      } catch (...) {
      }
    }
  };
  storage::embedded_server server;
  stop_at_exit stopper;  // declared before db: destroyed after it
  fresh_database db;
};

}  // namespace footfall::test
