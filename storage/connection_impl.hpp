#pragma once
// Internal to storage/*.cpp: the libpqxx side of storage::connection, and the translation of
// libpqxx errors into storage's typed errors.
#include <exception>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

struct connection::impl {
  database_url url;
  pqxx::connection conn;
  /// Sessions run in UTC so timestamps read back parse with parse_sql_time().
  explicit impl(const database_url& u);
};

/// Rethrows the in-flight exception as storage's own type: a pqxx constraint violation becomes
/// constraint_error (naming the constraint and its rule, prefixed with `context`), a broken
/// connection or other SQL failure becomes database_error; anything else is rethrown as is.
[[noreturn]] void rethrow_as_storage_error(const std::string& context);

/// Whether the in-flight exception means the connection is gone (retry after reconnecting).
bool is_connection_failure(const std::exception& e);

/// Formats a time point for SQL / COPY text: "2026-11-22 06:01:34.123456+00" (UTC).
std::string to_sql_time(time_point t);
/// Parses PostgreSQL's timestamptz output in a UTC session ("2026-11-22 06:01:34.123+00").
time_point parse_sql_time(const std::string& s);
std::optional<time_point> parse_sql_time_opt(const pqxx::field& f);

}  // namespace footfall::storage
