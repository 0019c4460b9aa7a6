#pragma once
// Test support for the storage suite: a real PostgreSQL (footfall's embedded server, in
// FOOTFALL_TEST_PGDATA), a fresh database per test case, temp dirs, and small SQL helpers.
#include <cstdint>
#include <filesystem>
#include <string>

#include "storage/embedded_server.hpp"

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
  std::int64_t count(const std::string& sql) const { return std::stoll(scalar(sql)); }

 private:
  storage::embedded_server* server_;
  std::string name_, url_;
};

/// A temp directory removed on destruction.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace footfall::test
