#pragma once
/// The batched, lossless recorder. The engine hands it finished pages (page_record: a page visit
/// with all its actions and requests) and session rows (pending→running→completed/failed/timeout, with counts,
/// timings, error_message); one background thread writes them with COPY (pqxx::stream_to).
///
/// Guarantees:
///  * Never drops, and never blocks a caller that must not block: with overflow_policy::block
///    (default) the queue is bounded (in rows) and write() blocks while it is full; with
///    overflow_policy::spill (the engine: write() is called from the CDP io thread) write()
///    always returns at once, and while the queue is over its bound and the database is down the
///    writer thread spools batches right away instead of waiting spool_after — the queue drains
///    to disk, so memory stays near the bound during an outage. While the database is up but
///    slower than the producer the queue grows past the bound (counted in overflow_writes);
///    the engine's producers are paced browsers, a few hundred rows a second at most.
///  * Order: items are committed in the order they were written. Within one batch transaction,
///    sessions are upserted first, then page_visits are COPYed, then actions and requests, so a
///    parent row always exists before its children and a session's final status commits with
///    (or after) its last pages.
///  * Batches flush at batch_rows rows or flush_interval (200 ms) after their first item.
///  * Connection lost ⇒ reconnect with exponential backoff. Down longer than spool_after ⇒ each
///    batch is appended to a JSON-lines spool file in spool_dir (the queue keeps draining, so the
///    engine keeps running), and spooled batches are replayed, in order, before anything new once
///    the database is back — also by the next writer of the same database to start if this
///    process dies (spool files name their database; others' are left alone and reported).
///  * Exactly once: each batch carries a UUID recorded in writer_batches in the batch's own
///    transaction; before retrying a batch whose COMMIT outcome is unknown, or replaying a spooled
///    one, the writer looks the id up and skips it if it is already there.
///  * Fenced by attempt: an item carrying a session attempt (session_row::attempt,
///    page_visit_row::attempt > 0) that is no longer the session's current one, or of a session
///    failed as lost, is dropped and counted (stats().fenced_items): a worker whose lease expired
///    never writes into the session's next attempt (storage/leases.hpp).
///  * Text is storable: write() replaces each NUL and ill-formed UTF-8 sequence in a record's text
///    with U+FFFD (storage/storable_text.hpp), counted in the row's text_repairs column and
///    stats().text_repairs — page text never costs a page its rows.
///  * A batch the database refuses for its content (constraint violation) is retried item by
///    item; the items still refused are appended to rejected-*.jsonl in spool_dir with the error
///    and counted in stats().rejected_items and in their session's rows_rejected column — logged,
///    never silently lost, never blocking the rest, and the session says it is short.
///  * close() (and the destructor) flushes everything, or spools what cannot be written within
///    close_timeout. On SIGTERM the engine calls close(); see also close_on_signal().
///
/// Engine-side cost: write() validates the record (O(actions), no allocation) and moves it into
/// the queue under a mutex; all formatting happens on the writer thread.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// What write() does when the queue is full (see the guarantees above).
enum class overflow_policy { block, spill };

/// Writer tuning. Defaults suit a campaign run; tests shorten the timeouts.
struct writer_options {
  database_url url;
  /// Queue bound, in rows (a page_record counts 1 + its actions + its requests, a session 1). A
  /// single item larger than the bound is still accepted when the queue is empty.
  std::size_t queue_rows = 50'000;
  overflow_policy when_full = overflow_policy::block;
  /// Flush when a batch reaches this many rows ...
  std::size_t batch_rows = 10'000;
  /// ... or this long after the batch's first item arrived.
  std::chrono::milliseconds flush_interval{200};
  /// Reconnect backoff: first delay, doubled up to the max.
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{5'000};
  /// How long the database may be unreachable before batches go to the spool file.
  std::chrono::milliseconds spool_after{10'000};
  /// Where spool-*.jsonl / rejected-*.jsonl files live. Empty ⇒ FOOTFALL_SPOOL_DIR, else
  /// $XDG_STATE_HOME/footfall/spool (~/.local/state/footfall/spool), /var/lib/footfall/spool as root.
  std::filesystem::path spool_dir;
  /// close() waits this long for the database before spooling the rest.
  std::chrono::milliseconds close_timeout{10'000};
  /// Replay spool files left by earlier (crashed) writers when connected — only those written
  /// for this writer's database (see database_identity).
  bool replay_orphan_spools = true;
  /// The database this writer writes for (storage::database_identity). Empty: learned at the
  /// first connection. A connection that reaches another database is treated as no connection
  /// (batches spool), and spool files carry it in a header line: a spool written for database A
  /// is never replayed into B, and is left alone and reported there.
  std::string database_identity;
};

/// Counters, for logs, tests and the benchmark.
struct writer_stats {
  std::uint64_t items_written = 0;      ///< items committed to the database (incl. replayed)
  std::uint64_t rows_written = 0;       ///< sessions + page visits + actions committed
  std::uint64_t actions_written = 0;
  std::uint64_t requests_written = 0;
  std::uint64_t batches_committed = 0;
  std::uint64_t batches_spooled = 0;
  std::uint64_t batches_replayed = 0;   ///< spooled batches later committed
  std::uint64_t batches_skipped = 0;    ///< already in writer_batches (commit outcome was unknown)
  std::uint64_t rejected_items = 0;     ///< refused by the database, kept in rejected-*.jsonl
  std::uint64_t text_repairs = 0;       ///< NULs / ill-formed UTF-8 replaced by U+FFFD
  std::uint64_t fenced_items = 0;       ///< dropped: written by an attempt whose lease was lost
  std::uint64_t reconnects = 0;
  std::uint64_t producer_waits = 0;     ///< write() calls that blocked on a full queue
  std::uint64_t foreign_spools = 0;     ///< orphan spool files left alone: another database's
  std::uint64_t overflow_writes = 0;    ///< write() calls past the bound (overflow_policy::spill)
  std::size_t queued_rows = 0;          ///< rows waiting right now
};

/// The writer thread and its queue. All public members are thread-safe.
class writer {
 public:
  /// Starts the thread; connects lazily (an unreachable database does not throw here).
  explicit writer(writer_options o);
  /// close().
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// Queues a session insert-or-update (by id): every column is set from `s`. Throws
  /// validation_error for an invalid row, std::logic_error after close().
  void write(session_row s);
  /// Queues a finished page with its actions. Throws validation_error (see
  /// validate(page_record)) before queueing anything, std::logic_error after close().
  void write(page_record p);

  /// Blocks until everything written before this call is committed or spooled.
  void flush();
  /// Flushes (or spools, after close_timeout) and stops the thread. Idempotent.
  void close();
  /// The same with its own timeout: a drain on SIGTERM has only what is left of its budget
  /// (past it, a down database gets nothing more and the rest goes to the spool file).
  void close(std::chrono::milliseconds timeout);
  writer_stats stats() const;

  struct state;

 private:
  std::unique_ptr<state> state_;
};

/// Installs SIGTERM and SIGINT handlers that make a helper thread call w.close() (flush, or spool
/// what cannot be written within close_timeout) and then std::_Exit(128 + signal). For processes whose only job is recording (tests, bench); the engine
/// runner calls writer::close() from its own signal handling instead.
void close_on_signal(writer& w);

}  // namespace footfall::storage
