#pragma once
/// Leases on claimed sessions (migration 0012). A worker claims a session with a lease it renews
/// by heartbeat while the session runs; a session whose lease has expired belongs to a lost
/// worker and is reclaimed by whichever worker claims next: back to pending with its attempt
/// raised and the dead attempt's rows deleted in the same transaction (a re-run starts clean), or
/// failed ("worker lost after N attempts") once it has had max_attempts attempts.
///
/// The campaign's concurrent_sessions cap is enforced inside the claim transaction, which holds a
/// per-campaign advisory lock: reclaim, count of live leases and claim see each other's commits,
/// so the cap holds across every worker process (no count-then-claim race).
///
/// Open-model arrivals (migration 0050, claim_request::max_lateness set): the first claim sets the
/// campaign's arrival epoch; a claim then takes only sessions whose planned start (epoch +
/// planned_offset_ms) has come, in planned order, and drops (status `dropped`) those never started
/// whose planned start is more than max_lateness ago. It says when the next planned start is
/// due, so an idle worker sleeps until then instead of polling.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// What one claim asks for.
struct claim_request {
  uuid campaign_id;
  std::string worker;  ///< claimed_by
  int want = 1;        ///< sessions wanted now
  int cap = 1;         ///< the campaign's concurrent_sessions: live leases allowed at once
  std::chrono::milliseconds lease{30'000};
  int max_attempts = 3;
  /// Sessions this worker runs (and renews): never reclaimed by it, even when their lease ran out
  /// during a database outage. Any other expired lease is reclaimed — its own name's included (a
  /// claim whose commit outcome was lost with the connection).
  std::vector<uuid> alive;
  /// Of those, the sessions whose run has ended but whose final row the writer may not have
  /// committed yet (it batches): they hold no slot under the cap. Counted as running, they kept a
  /// slot ~1.5-2 s past their end and open-model arrivals started 2.4-2.8 s late (round 8).
  std::vector<uuid> finished;
  /// Set for a campaign with arrival phases: claim by planned start, drop arrivals this late.
  std::optional<std::chrono::milliseconds> max_lateness;
};

/// Sessions reclaimed from lost workers by one statement.
struct reclaim_result {
  int requeued = 0;  ///< back to pending, attempt raised, earlier rows deleted
  int failed = 0;    ///< past max_attempts: failed, worker_lost
};

/// What a claim found and took.
struct claim_outcome {
  std::vector<session_row> claimed;  ///< by session_index; status running, lease set
  reclaim_result reclaimed;
  std::int64_t pending = 0;  ///< left pending after this claim
  std::int64_t running = 0;  ///< running with a live lease after this claim (all workers)
  /// Of those, the ones holding a slot under the cap: running less the request's `finished`.
  std::int64_t holding = 0;
  std::int64_t dropped = 0;  ///< arrivals this claim dropped as too late
  /// Open model: time until the earliest pending planned start (<= 0: one is due now, and only
  /// the cap held it back); none when nothing is pending.
  std::optional<std::chrono::milliseconds> next_due;
};

/// A session held by this worker, as the heartbeat names it.
struct held_session {
  uuid id;
  int attempt = 1;
};

/// Claims, heartbeats and reclaims. Borrows a connection (one per thread).
class lease_repository {
 public:
  explicit lease_repository(connection& c) : c_(c) {}

  /// Reclaims the campaign's expired leases (except r.alive), then claims up to min(want, cap -
  /// live leases) pending sessions, lowest session_index first — one transaction under the
  /// campaign's advisory lock.
  claim_outcome claim(const claim_request& r);

  /// One batched UPDATE: renews the lease of every held session still at that attempt and
  /// running; returns the ids renewed (a missing id was reclaimed: its lease is lost).
  std::vector<uuid> renew(const std::vector<held_session>& held, std::string_view worker,
                          std::chrono::milliseconds lease);

  /// Reclaims the campaign's expired leases except `alive` (the rescuer: every worker runs it
  /// on its heartbeat, so lost sessions come back even while no worker has room to claim).
  reclaim_result reclaim_expired(const uuid& campaign_id, int max_attempts,
                                 const std::vector<uuid>& alive);

  /// Reclaims every running session claimed by `worker`, expired or not: a restarted worker with
  /// a stable name (FOOTFALL_WORKER_NAME) takes back what its previous life left running.
  reclaim_result reclaim_worker(const uuid& campaign_id, std::string_view worker, int max_attempts);

  /// Running sessions of the campaign whose lease has expired (shown as lost).
  std::int64_t count_lost(const uuid& campaign_id);

 private:
  connection& c_;
};

}  // namespace footfall::storage
