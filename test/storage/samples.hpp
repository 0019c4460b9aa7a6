#pragma once
// Test rows: a persona + campaign stored through the repositories, sessions and pages in memory.
#include <chrono>
#include <filesystem>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/leases.hpp"
#include "storage/records.hpp"
#include "storage/writer.hpp"
#include "support/pg/pg_fixture.hpp"
#include "support/temp_dir.hpp"

namespace footfall::test {

/// A stored persona and a pending campaign of `total` sessions using it.
storage::campaign store_campaign(storage::connection& c, const std::string& name, int total = 10);

/// What most writer tests start from: a fresh database, a spool directory, a connection and a
/// stored campaign `k` (store_campaign). A test names them at once:
///   test::stored_campaign f("writer");
///   auto& [db, spool, c, k] = f;
struct stored_campaign {
  explicit stored_campaign(const std::string& name) : k(store_campaign(c, name)) {}
  fresh_database db;
  temp_dir spool;
  storage::connection c{db.url()};
  storage::campaign k;
};

/// store_campaign() with its `n` sessions materialized, pending, as a run materializes them; with
/// `planned_offsets` (n of them) each session's planned start (the open model).
storage::campaign store_pending_campaign(storage::connection& c, const std::string& name, int n,
                                         const std::vector<std::int64_t>& planned_offsets = {});

/// A claim by `worker` of up to `want` of k's sessions with at most `cap` running; the lease and
/// the open model's max_lateness are claim_request's defaults.
storage::claim_request claim_for(const storage::campaign& k, const std::string& worker, int want,
                                 int cap);

/// Session `index` of campaign c (not stored).
storage::session_row make_session(const storage::campaign& c, int index,
                                  storage::session_status st = storage::session_status::running);

/// A writer's options: rows into `url`, spooled to `spool` while the database cannot take them,
/// close() waiting up to `close_timeout` (the writer's own default unless given).
storage::writer_options writer_into(
    const std::string& url, const std::filesystem::path& spool,
    std::chrono::milliseconds close_timeout = storage::writer_options{}.close_timeout);

/// Page `order` of session s, arriving at `arrived`, with n actions 1 ms apart (not stored).
storage::page_record make_page(const storage::session_row& s, int order, int n,
                               storage::time_point arrived = storage::clock::now());

}  // namespace footfall::test
