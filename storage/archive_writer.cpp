#include "storage/archive_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <unordered_set>
#include <system_error>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/archive_files.hpp"
#include "storage/archive_manifest.hpp"
#include "storage/connection_impl.hpp"
#include "storage/detail_sql.hpp"
#include "storage/migrations.hpp"

namespace footfall::storage {
namespace fs = std::filesystem;
namespace ch = std::chrono;
using detail::detail_table;

namespace {

std::string format_time(time_point t, const char* fmt) {
  const auto secs = ch::floor<ch::seconds>(t);
  const ch::year_month_day ymd{ch::floor<ch::days>(secs)};
  const ch::hh_mm_ss hms{secs - ch::floor<ch::days>(secs)};
  char buf[40];
  std::snprintf(buf, sizeof buf, fmt, int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

[[noreturn]] void unwritable(const fs::path& dir, const std::error_code& ec) {
  throw std::system_error(ec, "archive directory " + dir.string() + " cannot be written");
}

// The run's directory, built under a hidden name and renamed when complete.
fs::path make_partial_dir(const fs::path& dir, const std::string& run) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) unwritable(dir, ec);
  const auto tmp = dir / (".partial-" + run);
  fs::remove_all(tmp, ec);  // left by a run that crashed: its rows are still in the database
  if (!fs::create_directory(tmp, ec) || ec) unwritable(dir, ec ? ec : std::make_error_code(std::errc::file_exists));
  return tmp;
}

// Buffers rows (~200 bytes each) so zstd and sha256 see large chunks.
class buffered_file {
 public:
  explicit buffered_file(const fs::path& p) : w_(p) { buf_.reserve(limit); }
  void write(std::string_view row) {
    buf_.append(row);
    if (buf_.size() >= limit) flush();
  }
  archive_file_digest commit() {
    flush();
    return w_.commit();
  }

 private:
  static constexpr std::size_t limit = 1 << 18;
  void flush() {
    w_.write(buf_);
    buf_.clear();
  }
  archive_file_writer w_;
  std::string buf_;
};

class run_builder {
 public:
  run_builder(pqxx::dbtransaction& tx, fs::path dir) : tx_(tx), dir_(std::move(dir)) {}

  // COPYs `query` into <dir>/<rel>; returns the rows written.
  // `on_row` (optional) sees each row's COPY text line as it passes.
  std::int64_t add(const std::string& table, const std::string& day, const std::string& rel,
                   const std::vector<std::string>& columns, const std::string& query,
                   const std::function<void(std::string_view)>& on_row = {}) {
    const auto path = dir_ / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) unwritable(path.parent_path(), ec);
    buffered_file f{path};
    archive_file a;
    a.table = table;
    a.day = day;
    a.path = rel;
    a.columns = columns;
    a.rows = detail::copy_out(tx_, query, [&](std::string_view row) {
      f.write(row);
      if (on_row) on_row(row);
    });
    const auto d = f.commit();
    a.bytes = d.bytes;
    a.raw_bytes = d.raw_bytes;
    a.sha256 = d.sha256;
    spdlog::info("archive: {} {} rows -> {} ({} bytes)", table, a.rows, rel, a.bytes);
    manifest.files.push_back(std::move(a));
    return manifest.files.back().rows;
  }

  // Re-reads every file: the checksum and the row count must match what was written.
  void verify() const {
    for (const auto& f : manifest.files) {
      const auto path = dir_ / f.path;
      if (sha256_file(path) != f.sha256)
        throw std::runtime_error("archive: " + path.string() + " does not match its checksum after writing");
      std::int64_t lines = 0;
      read_archive_file(path, [&](std::string_view s) { lines += std::count(s.begin(), s.end(), '\n'); });
      if (lines != f.rows)
        throw std::runtime_error("archive: " + path.string() + " holds " + std::to_string(lines) +
                                 " rows, " + std::to_string(f.rows) + " were written");
    }
  }

  archive_manifest manifest;

 private:
  pqxx::dbtransaction& tx_;
  fs::path dir_;
};

std::string day_start_literal(const std::string& day) { return "TIMESTAMPTZ '" + day + " 00:00:00+00'"; }

// Detail rows of one source, a file per UTC day; their sessions go into the temp table.
std::int64_t archive_source_rows(pqxx::dbtransaction& tx, run_builder& run, const detail_table& t,
                                 const archive_source& src, const std::string& expired) {
  const auto cols = detail::copy_columns(tx, t.name);
  const auto rel = tx.quote_name(src.relation);
  const auto time = "t." + tx.quote_name(t.time_column);
  const auto from = detail::expiry_from(t, rel);
  const auto where = src.whole ? std::string("true") : detail::expiry_dead(t, expired);
  std::vector<std::string> days;
  if (src.whole && src.day) days.push_back(format_time(*src.day, "%04d-%02u-%02u"));
  else
    for (const auto& r : tx.exec("SELECT DISTINCT (" + time + " AT TIME ZONE 'UTC')::date::text FROM " +
                                 from + " WHERE " + where + " ORDER BY 1"))
      days.push_back(r[0].as<std::string>());
  const bool is_default = src.relation.size() > 8 && src.relation.ends_with("_default");
  // The rows' session (or page visit) ids are taken from the COPY text as it streams past: a
  // second pass over the table to find them would cost as much as the COPY itself.
  const auto key = std::find(cols.begin(), cols.end(), t.via_session ? "session_id" : "page_visit_id");
  const auto key_field = std::size_t(key - cols.begin());
  std::unordered_set<std::string> keys;
  std::string last;
  const auto collect = [&](std::string_view row) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < key_field && start != std::string_view::npos; ++i)
      start = row.find('\t', start) + 1;
    const auto v = row.substr(start, row.find_first_of("\t\n", start) - start);
    if (v != last) keys.emplace(v), last.assign(v);  // rows of one session/page come together
  };
  std::int64_t rows = 0;
  for (const auto& day : days) {
    const auto file = t.name + "/" + day + (is_default ? ".default" : "") + ".copy.zst";
    const auto select = "SELECT " + detail::column_list(tx, cols, "t") + " FROM " +
                        (src.whole ? rel + " t" : from + " WHERE " + where) +
                        (src.whole && src.day ? "" : std::string(src.whole ? " WHERE " : " AND ") +
                         time + " >= " + day_start_literal(day) + " AND " + time + " < " +
                         day_start_literal(day) + " + interval '1 day'");
    rows += run.add(t.name, day, file, cols, select, collect);
  }
  keys.erase("\\N");  // NULL
  if (keys.empty()) return rows;
  std::string array = "{";
  for (const auto& k : keys) array += (array.size() > 1 ? "," : "") + k;
  array = tx.quote(array + "}") + "::uuid[]";
  tx.exec(t.via_session
              ? "INSERT INTO footfall_archive_sessions SELECT DISTINCT unnest(" + array +
                    ") ON CONFLICT DO NOTHING"
              : "INSERT INTO footfall_archive_sessions SELECT DISTINCT session_id FROM page_visits "
                "WHERE id = ANY(" + array + ") ON CONFLICT DO NOTHING");
  return rows;
}

// The campaign, persona and session rows the detail refers to, and the campaign summary.
void archive_references(pqxx::dbtransaction& tx, run_builder& run) {
  const std::string sessions = "SELECT id FROM footfall_archive_sessions";
  const std::string campaigns = "SELECT campaign_id FROM sessions WHERE id IN (" + sessions + ")";
  const std::string personas = "SELECT persona_id FROM sessions WHERE id IN (" + sessions +
                               ") UNION SELECT persona_id FROM campaigns WHERE id IN (" + campaigns + ")";
  const std::pair<const char*, std::string> refs[] = {
      {"personas", personas}, {"campaigns", campaigns}, {"sessions", sessions}};
  for (const auto& [table, ids] : refs) {
    const auto cols = detail::copy_columns(tx, table);
    run.add(table, "", std::string("refs/") + table + ".copy.zst", cols,
            "SELECT " + detail::column_list(tx, cols) + " FROM " + table + " WHERE id IN (" + ids +
                ") ORDER BY id");
  }
  for (const auto& r : tx.exec("SELECT c.id, c.name, count(*) FROM footfall_archive_sessions a "
                               "JOIN sessions s ON s.id = a.id JOIN campaigns c ON c.id = "
                               "s.campaign_id GROUP BY 1, 2 ORDER BY 2"))
    run.manifest.campaigns.push_back(
        {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::int64_t>()});
}

// Makes the finished run durable and visible under its final name.
void publish(const fs::path& tmp, const fs::path& final_dir, const archive_manifest& m) {
  for (const auto& e : fs::recursive_directory_iterator(tmp))
    if (e.is_directory()) fsync_directory(e.path());
  write_manifest(tmp, m);  // fsyncs tmp
  std::error_code ec;
  fs::rename(tmp, final_dir, ec);
  if (ec) unwritable(final_dir.parent_path(), ec);
  fsync_directory(final_dir.parent_path());
}

}  // namespace

archive_summary write_archive(connection& c, const fs::path& dir, time_point now,
                              ch::days completed, ch::days failed,
                              const std::vector<archive_source>& sources) {
  auto run = format_time(now, "%04d%02u%02uT%02d%02d%02dZ");
  for (int i = 2; fs::exists(dir / run); ++i) run = format_time(now, "%04d%02u%02uT%02d%02d%02dZ") + "-" + std::to_string(i);
  const auto tmp = make_partial_dir(dir, run);
  archive_summary summary;
  summary.run_dir = dir / run;
  try {
    const auto migrations = applied_migrations(c);
    pqxx::transaction<pqxx::isolation_level::repeatable_read> tx{c.get().conn};
    run_builder b{tx, tmp};
    b.manifest.schema = migrations.empty() ? "" : migrations.back();
    b.manifest.schema_version = b.manifest.schema.empty() ? 0 : std::stoi(b.manifest.schema.substr(0, 4));
    b.manifest.created_at = format_time(now, "%04d-%02u-%02uT%02d:%02d:%02dZ");
    tx.exec("CREATE TEMP TABLE footfall_archive_sessions (id uuid PRIMARY KEY) ON COMMIT DROP");
    const auto expired = detail::expired_sessions_sql(tx, to_sql_time(now - completed), to_sql_time(now - failed));
    std::map<std::string, detail_table> tables;
    for (auto& t : detail::detail_tables(tx)) tables.emplace(t.name, t);
    for (const auto& src : sources) {
      const auto t = tables.find(src.table);
      summary.source_rows.push_back(t == tables.end() ? 0 : archive_source_rows(tx, b, t->second, src, expired));
      summary.rows += summary.source_rows.back();
    }
    archive_references(tx, b);
    tx.commit();
    for (const auto& f : b.manifest.files) {
      if (f.day.empty()) continue;
      if (b.manifest.from.empty() || f.day < b.manifest.from) b.manifest.from = f.day;
      if (f.day > b.manifest.to) b.manifest.to = f.day;
    }
    b.verify();
    publish(tmp, summary.run_dir, b.manifest);
    summary.files = b.manifest.files.size();
    for (const auto& f : b.manifest.files) summary.bytes += f.bytes, summary.raw_bytes += f.raw_bytes;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);  // incomplete: its rows are all still in the database
    try {
      throw;
    } catch (const std::system_error&) {
      throw;
    } catch (...) {
      rethrow_as_storage_error("archiving expired detail");
    }
  }
  return summary;
}

}  // namespace footfall::storage
