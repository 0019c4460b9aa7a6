#pragma once
/// One PostgreSQL connection, owned by value. libpqxx stays inside storage/*.cpp: code there
/// reaches the pqxx::connection through storage/connection_impl.hpp.
#include <memory>
#include <string>

namespace footfall::storage {

/// A libpq connection string or URL, e.g. `postgresql:///footfall?host=/var/lib/footfall/pg`.
using database_url = std::string;

/// An open connection; throws database_error (naming the URL without its password) on failure.
/// Not thread-safe: one per thread.
class connection {
 public:
  explicit connection(const database_url& url);
  ~connection();
  connection(connection&&) noexcept;
  connection& operator=(connection&&) noexcept;

  /// Runs SQL that returns nothing worth reading (DDL, SET, …) in its own transaction.
  void execute(const std::string& sql);
  /// The URL this connection was opened with.
  const database_url& url() const;

  struct impl;
  /// For storage/*.cpp only (defined in storage/connection_impl.hpp).
  impl& get();

 private:
  std::unique_ptr<impl> impl_;
};

/// Which database this is, across restarts and URLs: "<system identifier>/<database name>"
/// (pg_control_system()), e.g. "7441234567890123456/footfall". Spool files carry it.
std::string database_identity(connection& c);

/// The URL with any password replaced by "***", for logs and error messages.
std::string redact_url(const database_url& url);

}  // namespace footfall::storage
