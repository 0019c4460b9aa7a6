// Claims under a per-campaign advisory lock, heartbeats, reclaim of lost workers' sessions.
#include "storage/leases.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"
#include "storage/session_sql.hpp"

namespace footfall::storage {
using detail::transact;
namespace {

// The advisory-lock key space of claims (pg_advisory_xact_lock(hashtextextended(id, seed))):
// one lock per campaign, held until the claim transaction ends.
constexpr int claim_lock_seed = 7012;

constexpr const char* expired_except_alive =
    "lease_expires_at < now() AND NOT (id = ANY($3::uuid[]))";

// Reclaims running sessions matched by `which` ($1 campaign, $2 max_attempts, $3 its argument). SET
// expressions read the row's old values, so `attempt >= $2` is "this was the last attempt".
std::string reclaim_sql(const char* which) {
  return std::string(
             "UPDATE sessions SET "
             "status = (CASE WHEN attempt >= $2 THEN 'failed' ELSE 'pending' END)::session_status, "
             "worker_lost = attempt >= $2, "
             "error_message = CASE WHEN attempt >= $2 THEN format('worker lost after %s "
             "attempt(s) (last worker %s)', attempt, coalesce(claimed_by, '?')) END, "
             "completed_at = CASE WHEN attempt >= $2 THEN now() END, "
             "started_at = CASE WHEN attempt >= $2 THEN started_at END, "
             "claimed_by = CASE WHEN attempt >= $2 THEN claimed_by END, "
             "pages_visited = CASE WHEN attempt >= $2 THEN pages_visited ELSE 0 END, "
             "total_actions = CASE WHEN attempt >= $2 THEN total_actions ELSE 0 END, "
             "session_duration_ms = NULL, screenshot_path = NULL, lease_expires_at = NULL, "
             "attempt = CASE WHEN attempt >= $2 THEN attempt ELSE attempt + 1 END "
             "WHERE campaign_id = $1 AND status = 'running' AND ") +
         which + " RETURNING id::text, status::text";
}

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + ids[i];
  return out + "}";
}

// Runs a reclaim statement and deletes the requeued sessions' earlier rows in the same
// transaction. The UPDATE above waits for any writer batch holding a session row FOR SHARE
// (storage/writer.cpp fences by attempt), and these DELETEs take a snapshot after it, so a dead
// attempt's rows committed before the reclaim are gone and any written after it are refused.
reclaim_result reclaim(pqxx::work& tx, const std::string& sql, const uuid& campaign,
                       int max_attempts, const std::string& arg) {
  reclaim_result out;
  std::vector<std::string> requeued;
  for (const auto& r : tx.exec_params(sql, campaign.str(), max_attempts, arg)) {
    if (std::string_view(r[1].c_str()) == "pending") {
      requeued.push_back(r[0].c_str());
      ++out.requeued;
    } else {
      ++out.failed;
    }
  }
  if (requeued.empty()) return out;
  const auto ids = uuid_array(requeued);
  tx.exec_params(
      "DELETE FROM actions a USING page_visits pv WHERE pv.session_id = ANY($1::uuid[]) AND "
      "a.page_visit_id = pv.id AND a.page_arrived_at = pv.arrived_at",
      ids);
  tx.exec_params("DELETE FROM page_visits WHERE session_id = ANY($1::uuid[])", ids);
  tx.exec_params("DELETE FROM session_analytics WHERE session_id = ANY($1::uuid[])", ids);
  return out;
}

void lock_campaign_claims(pqxx::work& tx, const uuid& campaign) {
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, $2))", campaign.str(),
                 claim_lock_seed);
}

}  // namespace

namespace {

// Claims up to n pending sessions: lowest session_index first (closed model, elapsed_ms none),
// or those planned at or before elapsed_ms, in planned order (open model).
void take(pqxx::work& tx, const claim_request& r, std::int64_t n, claim_outcome& out,
          std::optional<std::int64_t> elapsed_ms) {
  if (n <= 0) return;
  // The open model records how late each arrival left pending: its first start only (a session
  // reclaimed from a lost worker and re-run keeps the lateness of its arrival).
  const std::string lateness =
      elapsed_ms ? ", start_lateness_ms = coalesce(start_lateness_ms, $5 - planned_offset_ms)" : "";
  const std::string which = elapsed_ms ? "AND planned_offset_ms <= $5 ORDER BY planned_offset_ms, "
                                         "session_index"
                                       : "AND $5::bigint IS NULL ORDER BY session_index";
  const auto rows = tx.exec_params(
      "UPDATE sessions SET status = 'running', started_at = now(), completed_at = NULL, "
      "claimed_by = $3, lease_expires_at = now() + $4 * interval '1 millisecond'" + lateness +
          " WHERE id IN (SELECT id FROM sessions WHERE campaign_id = $1 AND status = 'pending' " +
          which + " LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING " + detail::session_columns,
      r.campaign_id.str(), static_cast<int>(n), r.worker, static_cast<long long>(r.lease.count()),
      elapsed_ms);
  for (const auto& row : rows) out.claimed.push_back(detail::read_session_row(row));
  out.running += static_cast<std::int64_t>(out.claimed.size());
  out.holding += static_cast<std::int64_t>(out.claimed.size());
  out.pending -= static_cast<std::int64_t>(out.claimed.size());
}

// The open model's clock: milliseconds since the campaign's arrival epoch, which the first claim
// sets (now() is the transaction's start, the same instant the claim writes as started_at).
std::int64_t arrivals_elapsed_ms(pqxx::work& tx, const uuid& campaign) {
  // Written once (the row is not rewritten by every claim); read under the claim lock.
  tx.exec_params(
      "UPDATE campaigns SET arrivals_epoch = now() WHERE id = $1 AND arrivals_epoch IS NULL",
      campaign.str());
  return detail::scalar<std::int64_t>(
      tx,
      "SELECT floor(extract(epoch FROM now() - arrivals_epoch) * 1000)::bigint FROM campaigns "
      "WHERE id = $1",
      campaign.str());
}

// Arrivals never started whose planned start is more than max_lateness ago end as `dropped`.
std::int64_t drop_overdue(pqxx::work& tx, const claim_request& r, std::int64_t elapsed_ms) {
  return static_cast<std::int64_t>(
      tx.exec_params("UPDATE sessions SET status = 'dropped', completed_at = now(), "
                     "start_lateness_ms = $2 - planned_offset_ms, error_message = format('arrival "
                     "dropped: not started within max_lateness_s (%s s) of its planned start', "
                     "$3::bigint / 1000) "
                     "WHERE campaign_id = $1 AND status = 'pending' AND start_lateness_ms IS NULL "
                     "AND planned_offset_ms < $2 - $3::bigint",
                     r.campaign_id.str(), elapsed_ms,
                     static_cast<long long>(r.max_lateness->count()))
          .affected_rows());
}

}  // namespace

claim_outcome lease_repository::claim(const claim_request& r) {
  claim_outcome out;
  transact(c_, "claiming sessions", [&](pqxx::work& tx) {
    lock_campaign_claims(tx, r.campaign_id);
    std::vector<std::string> alive;
    for (const auto& id : r.alive) alive.push_back(id.str());
    out.reclaimed = reclaim(tx, reclaim_sql(expired_except_alive), r.campaign_id, r.max_attempts,
                            uuid_array(alive));
    std::optional<std::int64_t> elapsed;
    if (r.max_lateness) {
      elapsed = arrivals_elapsed_ms(tx, r.campaign_id);
      out.dropped = drop_overdue(tx, r, *elapsed);
    }
    // due: pending sessions a claim may take now (all of them in the closed model); next: the
    // earliest pending planned start, ms after the epoch.
    std::vector<std::string> finished;
    for (const auto& id : r.finished) finished.push_back(id.str());
    const auto counts = tx.exec_params1(
        "SELECT count(*) FILTER (WHERE status = 'running'), "
        "count(*) FILTER (WHERE status = 'pending'), "
        "count(*) FILTER (WHERE status = 'pending' AND ($2::bigint IS NULL OR "
        "planned_offset_ms <= $2)), min(planned_offset_ms) FILTER (WHERE status = 'pending'), "
        "count(*) FILTER (WHERE status = 'running' AND id <> ALL($3::uuid[])) "
        "FROM sessions WHERE campaign_id = $1",
        r.campaign_id.str(), elapsed, uuid_array(finished));
    out.running = counts[0].as<std::int64_t>();
    out.pending = counts[1].as<std::int64_t>();
    out.holding = counts[4].as<std::int64_t>();
    if (elapsed && !counts[3].is_null())
      out.next_due = std::chrono::milliseconds(counts[3].as<std::int64_t>() - *elapsed);
    take(tx, r, std::min<std::int64_t>({r.want, r.cap - out.holding, counts[2].as<std::int64_t>()}),
         out, elapsed);
    tx.commit();
  });
  std::sort(out.claimed.begin(), out.claimed.end(),
            [](auto& a, auto& b) { return a.session_index < b.session_index; });
  return out;
}

std::vector<uuid> lease_repository::renew(const std::vector<held_session>& held,
                                          std::string_view worker,
                                          std::chrono::milliseconds lease) {
  std::vector<uuid> out;
  if (held.empty()) return out;
  std::vector<std::string> ids;
  std::string attempts = "{";
  for (std::size_t i = 0; i < held.size(); ++i) {
    ids.push_back(held[i].id.str());
    attempts += (i ? "," : "") + std::to_string(held[i].attempt);
  }
  attempts += "}";
  transact(c_, "renewing leases", [&](pqxx::work& tx) {
    // The rows are locked in id order first, as the writer's fence locks them (ORDER BY id FOR
    // SHARE): an UPDATE over unnest() locked them in the array's order, and a renewal crossing a
    // writer batch of the same sessions deadlocked ("deadlock detected", retried, seen in the
    // popup identity test, round 8).
    const auto rows = tx.exec_params(
        "WITH h AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS h(id, attempt)), "
        "locked AS MATERIALIZED (SELECT s.id FROM sessions s JOIN h ON h.id = s.id "
        "ORDER BY s.id FOR NO KEY UPDATE OF s) "
        "UPDATE sessions s SET lease_expires_at = now() + $4 * interval '1 millisecond' "
        "FROM h WHERE s.id = h.id AND s.id IN (SELECT id FROM locked) AND s.attempt = h.attempt "
        "AND s.status = 'running' AND s.claimed_by = $3 RETURNING s.id::text",
        uuid_array(ids), attempts, std::string(worker), static_cast<long long>(lease.count()));
    tx.commit();
    for (const auto& r : rows) out.push_back(*uuid::parse(r[0].c_str()));
  });
  return out;
}

reclaim_result lease_repository::reclaim_expired(const uuid& campaign_id, int max_attempts,
                                                 const std::vector<uuid>& alive) {
  std::vector<std::string> ids;
  for (const auto& id : alive) ids.push_back(id.str());
  return transact(c_, "reclaiming expired leases", [&](pqxx::work& tx) {
    lock_campaign_claims(tx, campaign_id);
    auto out =
        reclaim(tx, reclaim_sql(expired_except_alive), campaign_id, max_attempts, uuid_array(ids));
    tx.commit();
    return out;
  });
}

reclaim_result lease_repository::reclaim_worker(const uuid& campaign_id, std::string_view worker,
                                                int max_attempts) {
  return transact(c_, "reclaiming sessions of " + std::string(worker), [&](pqxx::work& tx) {
    lock_campaign_claims(tx, campaign_id);
    auto out =
        reclaim(tx, reclaim_sql("claimed_by = $3"), campaign_id, max_attempts, std::string(worker));
    tx.commit();
    return out;
  });
}

std::int64_t lease_repository::count_lost(const uuid& campaign_id) {
  return detail::read_scalar<std::int64_t>(
      c_, "counting lost sessions",
      "SELECT count(*) FROM sessions WHERE campaign_id = $1 AND status = 'running' AND "
      "lease_expires_at < now()",
      campaign_id.str());
}

}  // namespace footfall::storage
