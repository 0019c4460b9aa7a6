#pragma once
// Internal to storage/analytics_*.cpp: uuid literals and epoch-millisecond timestamps for the large
// result sets (numbers are read with sql_fields.hpp's to_number).
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "storage/records.hpp"
#include "storage/sql_fields.hpp"  // to_uuid, to_double, to_int, opt<T>

namespace footfall::storage::detail {

/// A uuid as an SQL literal, for statements built as text.
inline std::string quoted(pqxx::work& tx, const uuid& id) { return tx.quote(id.str()) + "::uuid"; }

inline time_point from_epoch_ms(double ms) {
  return time_point(std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double, std::milli>(ms)));
}
inline std::optional<time_point> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_epoch_ms(to_double(f));
}

/// SQL for a timestamp column as Unix epoch milliseconds (double precision). date_part, not
/// EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, whose arithmetic and output cost ~1.6x
/// more over a million rows (measured: 614 ms vs 376 ms to emit 1M values).
inline std::string epoch_ms(const std::string& col) {
  return "(date_part('epoch', " + col + ") * 1000)";
}

}  // namespace footfall::storage::detail
