// storage::writer's spool side: spool files named for their database, replay of this writer's
// spool and of orphans left by dead writers, rejected items, and the database identity check.
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/writer_state.hpp"

namespace footfall::storage {

// The connected database must be the one this writer writes for (the first it reached, or
// the one it was given): a server replaced behind the same URL gets nothing of another's.
void writer::state::check_identity() {
  const auto id = database_identity(*conn);
  if (opt.database_identity.empty()) {
    opt.database_identity = id;
    return;
  }
  if (id == opt.database_identity) return;
  if (!identity_mismatch_logged)
    spdlog::error(
        "storage writer: {} now reaches database {}, but this writer writes for {}: "
        "spooling until that database is back",
        redact_url(opt.url), id, opt.database_identity);
  identity_mismatch_logged = true;
  throw database_error("connected to database " + id + ", not " + opt.database_identity);
}

std::string writer::state::spool_header() const {
  return nlohmann::json{
      {"spool_for", {{"database", opt.database_identity}, {"url", redact_url(opt.url)}}}}
      .dump();
}

void writer::state::spool_batch(const batch& b) {
  if (!spool) {
    spool = detail::spool_file::open_locked(opt.spool_dir / ("spool-" + writer_id.str() + ".jsonl"),
                                            true);
    spool->append(spool_header());
    spdlog::warn("storage writer: database unreachable; spooling batches to {}",
                 spool->path().string());
  }
  spool->append(detail::to_json_line(b));
  spool_pending = true;
  count([](auto& s) { ++s.batches_spooled; });
}

void writer::state::replay_own_spool() {
  auto lines = spool->lines();
  if (!lines.empty() && detail::is_spool_header(lines.front())) lines.erase(lines.begin());
  spdlog::info("storage writer: database back; replaying {} spooled batches", lines.size());
  for (const auto& line : lines) {
    batch b = detail::from_json_line(line);
    commit_or_split(b);
    count([](auto& s) { ++s.batches_replayed; });
  }
  spool->remove();
  spool = std::nullopt;  // the next outage starts a new file, with its header
  spool_pending = false;
}

// Replays the batches of a spool file; false when the file belongs to another database (or says
// nothing of its database: written before spool files named theirs), which is left alone.
bool writer::state::replay_spool_lines(const std::vector<std::string>& lines,
                                       const std::string& name) {
  const auto target = lines.empty() ? std::nullopt : detail::spool_target(lines.front());
  // A writer that never reached its database could only name its URL: the same URL is the best
  // evidence there is (the engine always names the database, so its spools never rely on this).
  const bool mine =
      target && (target->database.empty() ? target->url == redact_url(opt.url)
                                          : target->database == opt.database_identity);
  if (!mine) {
    count([](auto& s) { ++s.foreign_spools; });
    spdlog::warn(
        "storage writer: spool file {} in {} is for database {}, not this one ({}): left "
        "alone for a writer of that database",
        name, opt.spool_dir.string(),
        !target                    ? std::string("(not named)")
        : target->database.empty() ? "at " + target->url
                                   : target->database,
        opt.database_identity);
    return false;
  }
  if (target->database.empty())
    spdlog::warn(
        "storage writer: spool file {} names no database, only its URL {}: replaying it "
        "here",
        name, target->url);
  if (lines.size() > 1)
    spdlog::info("storage writer: replaying {} batches left in {}", lines.size() - 1, name);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    try {
      batch b = detail::from_json_line(lines[i]);
      commit_or_split(b);
      count([](auto& s) { ++s.batches_replayed; });
    } catch (const std::exception& e) {
      if (!conn || !conn->get().conn.is_open() || is_connection_failure(e)) throw;
      spdlog::error("storage writer: unreadable line in {}: {}", name, e.what());
    }
  }
  return true;
}

void writer::state::replay_orphan(const std::filesystem::path& path) {
  auto f = detail::spool_file::open_locked(path, false);
  if (!f) return;  // its writer is alive
  if (f->empty()) {
    f->remove();
    return;
  }
  if (replay_spool_lines(f->lines(), path.filename().string())) f->remove();
}

void writer::state::replay_orphans() {
  std::error_code ec;
  if (!std::filesystem::is_directory(opt.spool_dir, ec)) return;
  for (const auto& entry : std::filesystem::directory_iterator(opt.spool_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("spool-", 0) != 0 || entry.path().extension() != ".jsonl") continue;
    if (spool && entry.path() == spool->path()) continue;
    replay_orphan(entry.path());
  }
}

void writer::state::reject(const batch& b, const std::string& error) {
  if (!rejected)
    rejected = detail::spool_file::open_locked(
        opt.spool_dir / ("rejected-" + writer_id.str() + ".jsonl"), true);
  spdlog::error("storage writer: database refused an item ({} rows), kept in {}: {}", b.rows,
                rejected->path().string(), error);
  rejected->append(
      "{\"error\":" +
      nlohmann::json(error).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
      ",\"batch\":" + detail::to_json_line(b) + "}");
  count([](auto& s) { ++s.rejected_items; });
  // The session must not read as complete with rows missing: count them on its row (the writer's
  // session upsert leaves rows_rejected alone). A row refused here was refused for its content,
  // so the connection is still good; if this fails too, the log line above still says it.
  const auto* p = std::get_if<page_record>(&b.items.front());
  if (!p || !conn) return;
  try {
    pqxx::work tx{conn->get().conn};
    tx.exec_params("UPDATE sessions SET rows_rejected = rows_rejected + $2 WHERE id = $1",
                   p->visit.session_id.str(), static_cast<int>(b.rows));
    tx.commit();
  } catch (const std::exception& e) {
    spdlog::error("storage writer: could not count rejected rows on session {}: {}",
                  p->visit.session_id.str(), e.what());
  }
}

}  // namespace footfall::storage
