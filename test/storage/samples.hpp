#pragma once
// Test rows: a persona + campaign stored through the repositories, sessions and pages in memory.
#include <chrono>
#include <string>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::test {

/// A stored persona and a pending campaign of `total` sessions using it.
storage::campaign store_campaign(storage::connection& c, const std::string& name, int total = 10);

/// Session `index` of campaign c (not stored).
storage::session_row make_session(const storage::campaign& c, int index,
                                  storage::session_status st = storage::session_status::running);

/// Page `order` of session s, arriving at `arrived`, with n actions 1 ms apart (not stored).
storage::page_record make_page(const storage::session_row& s, int order, int n,
                               storage::time_point arrived = storage::clock::now());

}  // namespace footfall::test
