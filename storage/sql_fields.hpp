#pragma once
// Internal to storage/*.cpp: small conversions between pqxx fields / parameters and records.
#include <optional>
#include <string>

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
template <class T>
inline std::optional<T> opt(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<T>(f.as<T>());
}

/// Empty text is stored as NULL.
inline std::optional<std::string> nonempty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace footfall::storage::detail
