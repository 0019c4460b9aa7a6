#pragma once
// Internal to storage/*.cpp: the sessions columns every reader selects, and their parser
// (session_repositories.cpp), shared with the lease claims (leases.cpp).
#include <pqxx/pqxx>

#include "storage/records.hpp"

namespace footfall::storage::detail {

/// Column list for SELECT / RETURNING, in read_session_row's order.
extern const char* const session_columns;
session_row read_session_row(const pqxx::row& r);

}  // namespace footfall::storage::detail
