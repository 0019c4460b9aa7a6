#pragma once
// A real PostgreSQL for the analytics suite: footfall's embedded server in FOOTFALL_TEST_PGDATA
// (the same server the storage suite uses), a fresh migrated database per test case.
#include <cstdint>
#include <string>

namespace footfall::test {

/// A fresh, migrated database with today's partitions, dropped on destruction.
class analytics_db {
 public:
  analytics_db();
  ~analytics_db();
  analytics_db(const analytics_db&) = delete;
  analytics_db& operator=(const analytics_db&) = delete;
  const std::string& url() const { return url_; }
  /// First column of the first row, as text ("" for NULL).
  std::string scalar(const std::string& sql) const;
  std::int64_t count(const std::string& sql) const { return std::stoll("0" + scalar(sql)); }
  void exec(const std::string& sql) const;

 private:
  std::string admin_url_, name_, url_;
};

}  // namespace footfall::test
