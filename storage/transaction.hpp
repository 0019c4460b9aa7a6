#pragma once
// Internal to storage/*.cpp: the shape every call to the database shares, written once — a
// transaction of its own, and libpqxx's errors turned into storage's, prefixed with what was
// being done — and the reads most repositories make with it (one parameterized query, each row
// mapped to a record).
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"

namespace footfall::storage::detail {

/// Runs `body(tx)` in a transaction of its own on `c` and returns what it returns. The body
/// commits what it writes (a transaction it does not commit is rolled back). Any failure goes
/// through rethrow_as_storage_error(`context`), e.g. "listing personas": libpqxx's errors become
/// storage's, storage's own (not_found_error, transition_error, …) pass through as they are.
template <class Body>
std::invoke_result_t<Body&, pqxx::work&> transact(connection& c, const std::string& context,
                                                  Body body) {
  try {
    pqxx::work tx{c.get().conn};
    return body(tx);
  } catch (...) {
    rethrow_as_storage_error(context);
  }
}

/// The one value of `sql`'s one row, as a T (a count, a sum); pqxx::unexpected_rows when it
/// returns no row or more than one.
template <class T, class... Params>
T scalar(pqxx::work& tx, const std::string& sql, const Params&... params) {
  return tx.exec_params1(sql, params...)[0].template as<T>();
}

/// scalar() in a transaction of its own; errors as transact's.
template <class T, class... Params>
T read_scalar(connection& c, const std::string& context, const std::string& sql,
              const Params&... params) {
  return transact(c, context, [&](pqxx::work& tx) { return scalar<T>(tx, sql, params...); });
}

/// What `read` makes of one row.
template <class Read>
using row_record = std::invoke_result_t<Read&, const pqxx::row&>;

/// Every row of `sql` (`params` are $1, $2, …) mapped by `read`, in the query's order; errors as
/// transact's.
template <class Read, class... Params>
std::vector<row_record<Read>> read_rows(connection& c, const std::string& context,
                                        const std::string& sql, Read read,
                                        const Params&... params) {
  return transact(c, context, [&](pqxx::work& tx) {
    std::vector<row_record<Read>> out;
    for (const auto& r : tx.exec_params(sql, params...)) out.push_back(read(r));
    return out;
  });
}

/// The first row of `sql` mapped by `read`, or nullopt when it returns none; errors as
/// transact's.
template <class Read, class... Params>
std::optional<row_record<Read>> read_first(connection& c, const std::string& context,
                                           const std::string& sql, Read read,
                                           const Params&... params) {
  return transact(c, context, [&](pqxx::work& tx) -> std::optional<row_record<Read>> {
    const auto r = tx.exec_params(sql, params...);
    if (r.empty()) return std::nullopt;
    return read(r[0]);
  });
}

}  // namespace footfall::storage::detail
