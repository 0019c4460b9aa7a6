#pragma once
/// Typed access to the spec's tables. Each repository borrows a connection (one per thread).
/// Writes validate first (storage/validation.hpp: validation_error), and database refusals come
/// back as constraint_error naming the constraint; lookups by id throw not_found_error where a
/// row must exist and return std::optional where it may not.
/// High-volume detail rows (page visits, actions, session status updates) are written by
/// storage::writer, not here; visit_repository reads them back.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/arrivals.hpp"
#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// personas: static behaviour profiles, unique by name.
class persona_repository {
 public:
  explicit persona_repository(connection& c) : c_(c) {}
  /// Inserts (a nil id gets a UUIDv7); returns the stored row. Duplicate name ⇒ constraint_error.
  persona create(persona p);
  /// Inserts, or updates the persona with the same name (config files re-applied); returns it.
  /// One INSERT … ON CONFLICT: concurrent upserts of one name all succeed.
  persona upsert(persona p);
  std::optional<persona> find(const uuid& id);
  std::optional<persona> find_by_name(std::string_view name);
  /// Ordered by name.
  std::vector<persona> list();

 private:
  connection& c_;
};

/// campaigns, with the spec's status machine.
class campaign_repository {
 public:
  explicit campaign_repository(connection& c) : c_(c) {}
  /// Inserts with status pending (a nil id gets a UUIDv7). Unknown persona ⇒ constraint_error.
  campaign create(campaign c);
  /// The latest campaign named c.name, or c inserted (pending) when there is none; true when
  /// inserted. Race-free: creators of one name serialize on an advisory lock.
  std::pair<campaign, bool> create_if_absent(campaign c);
  std::optional<campaign> find(const uuid& id);
  /// Newest first.
  std::vector<campaign> list();
  /// Moves the campaign to `to` if campaign_transition_allowed(current, to), atomically (the row
  /// is locked FOR UPDATE); sets started_at on the first pending→running and completed_at on
  /// completed/failed. Refused ⇒ transition_error; missing ⇒ not_found_error.
  campaign transition(const uuid& id, campaign_status to);
  /// Adds `add` sessions to a completed campaign (`compare --resolve`, issue 22): total_sessions
  /// grows by `add` and the campaign is running again with completed_at cleared, atomically (the
  /// row is locked FOR UPDATE). The one way out of completed, outside the spec's status machine:
  /// the campaign's sessions so far stay as they were, and the new ones (materialized by the
  /// caller at the next session_index values, hence fresh seeds) are claimed like any others.
  /// Not completed ⇒ transition_error; missing ⇒ not_found_error; add < 1 or a total past the
  /// campaign limit ⇒ validation_error.
  campaign extend(const uuid& id, int add);

 private:
  connection& c_;
};

/// How many sessions of a campaign are in each status.
struct session_counts {
  std::map<session_status, std::int64_t> by_status;
  /// Of the running ones, those whose lease has expired: their worker is lost, and the next
  /// claim reclaims them.
  std::int64_t lost = 0;
  /// Open-model arrivals (storage/arrivals.hpp): filled by callers that ask for them.
  std::optional<arrival_stats> arrivals;
  /// Rows the database refused (sessions.rows_rejected, summed) and the sessions they belong to.
  std::int64_t rows_rejected = 0, sessions_with_rejected_rows = 0;
  std::int64_t total() const;
  std::int64_t of(session_status s) const;
};

/// sessions: materialized as pending rows, claimed by workers, finished through the writer.
class session_repository {
 public:
  explicit session_repository(connection& c) : c_(c) {}
  /// Inserts pending sessions (nil ids get UUIDv7s). Idempotent: rows whose (campaign_id,
  /// session_index) exists are skipped. Returns how many were inserted.
  std::size_t materialize(const std::vector<session_row>& pending);
  /// Claims up to `max` pending sessions of the campaign, lowest session_index first, with
  /// SELECT … FOR UPDATE SKIP LOCKED (concurrent workers never get the same one); marks them
  /// running with started_at = now(), claimed_by = worker and a 30 s lease; returns them. No
  /// cap, no reclaim: the engine claims through lease_repository (storage/leases.hpp).
  std::vector<session_row> claim(const uuid& campaign_id, int max, std::string_view worker);
  std::optional<session_row> find(const uuid& id);
  /// NULs and ill-formed UTF-8 sequences the writer stored as U+FFFD in the campaign's sessions,
  /// pages and actions (storage/storable_text.hpp).
  std::int64_t text_repairs(const uuid& campaign_id);
  /// By session_index.
  std::vector<session_row> list(const uuid& campaign_id);
  session_counts counts(const uuid& campaign_id);
  /// Puts running sessions claimed by `worker` back to pending (a worker restarting after a
  /// crash); returns how many.
  std::size_t release(const uuid& campaign_id, std::string_view worker);

 private:
  connection& c_;
};

/// Read-back of page visits and actions (tests, reports, `footfall visit`).
class visit_repository {
 public:
  explicit visit_repository(connection& c) : c_(c) {}
  /// The session's page visits by visit_order.
  std::vector<page_visit_row> page_visits(const uuid& session_id);
  /// The visit's actions by action_order.
  std::vector<action_row> actions(const uuid& page_visit_id);
  /// Each page visit of the session with its actions, by visit_order.
  std::vector<page_record> pages(const uuid& session_id);
  /// Number of actions recorded for the session's page visits.
  std::int64_t count_actions(const uuid& session_id);

 private:
  connection& c_;
};

}  // namespace footfall::storage
