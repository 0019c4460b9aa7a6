#pragma once
// Internal to storage/*.cpp: small conversions between pqxx fields / parameters and records.
#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>

#include <pqxx/pqxx>

#include "storage/uuid.hpp"

namespace footfall::storage::detail {

/// A NULL or malformed uuid column reads as the nil uuid (never an empty optional dereferenced).
/// The one definition: storage/analytics_sql.hpp had its own, and two inline definitions of one
/// function are an ODR violation (found when unity batches put both in one file).
inline uuid to_uuid(const pqxx::field& f) { return uuid::parse(f.c_str()).value_or(uuid{}); }
inline std::optional<std::string> opt_str(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<std::string>(f.c_str());
}
/// A number field, parsed without locale or exceptions: analytics reads a million rows per
/// recompute, where pqxx's own conversion costs more. PostgreSQL prints numbers in a form
/// from_chars reads (NaN and Infinity too: it ignores case). The one numeric parser of storage/.
template <class T>
inline T to_number(const pqxx::field& f) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
  const char* s = f.c_str();
  T v{};
  std::from_chars(s, s + std::strlen(s), v);
  return v;
}
inline double to_double(const pqxx::field& f) { return to_number<double>(f); }
inline int to_int(const pqxx::field& f) { return to_number<int>(f); }
/// A nullable number field (to_number); NULL is nullopt.
template <class T>
inline std::optional<T> opt(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<T>(to_number<T>(f));
}

/// Empty text is stored as NULL.
inline std::optional<std::string> nonempty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace footfall::storage::detail
