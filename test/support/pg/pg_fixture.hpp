#pragma once
// Test support for the suites that need PostgreSQL (storage, analytics, engine): a real server
// (footfall's embedded server, in FOOTFALL_TEST_PGDATA), a fresh database per test case, temp
// dirs, and small SQL helpers.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/embedded_server.hpp"
#include "support/temp_dir.hpp"

namespace footfall::test {

/// Data dir of the suite's server: FOOTFALL_TEST_PGDATA, else /var/lib/footfall/test-pg when
/// root, else /tmp/footfall-test-pg-<uid>. `suffix` gives a separate server (tests that stop it).
std::filesystem::path test_data_dir(const std::string& suffix = "");

/// The suite's server, started on first use (fsync off: throwaway data).
storage::embedded_server& test_server();

/// A fresh, migrated database, dropped on destruction.
class fresh_database {
 public:
  explicit fresh_database(bool migrate = true, storage::embedded_server* server = nullptr);
  ~fresh_database();
  fresh_database(const fresh_database&) = delete;
  fresh_database& operator=(const fresh_database&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  /// First column of the first row of a query, as text ("" for NULL).
  std::string scalar(const std::string& sql) const;
  /// A count or sum; 0 for NULL.
  std::int64_t count(const std::string& sql) const {
    const auto s = scalar(sql);
    return s.empty() ? 0 : std::stoll(s);
  }
  /// Every row of a query, each as text columns ("" for NULL).
  std::vector<std::vector<std::string>> rows(const std::string& sql) const;
  /// Runs statements in one transaction.
  void exec(const std::string& sql) const;

 private:
  storage::embedded_server* server_;
  std::string name_, url_;
};


}  // namespace footfall::test
