#pragma once
/// `footfall db restore DIR`: loads an archive written by retention (storage/archive_writer.hpp)
/// back into a footfall database, a fresh one included.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"

namespace footfall::storage {

/// What to restore.
struct restore_options {
  std::optional<std::string> campaign;  ///< only this campaign's rows (by name)
};

/// Rows per table: in the archive (after the campaign filter's choice of files) and new.
struct restore_count {
  std::string table;
  std::int64_t archived = 0;  ///< rows in the archive's files
  std::int64_t restored = 0;  ///< rows that were not in the database yet
};

/// What a restore did.
struct restore_report {
  std::size_t runs = 0;
  std::vector<restore_count> tables;  ///< personas, campaigns, sessions, then detail tables
};

/// Checks, then loads. Before writing anything: every file's sha256 (a damaged or missing file
/// throws archive_error naming it), the database's schema (older than the archive's: archive_error),
/// the campaign name (not in the archive: archive_error). Then, per run in one transaction:
/// campaign, persona and session rows are inserted where absent (rows already there are left as
/// they are), detail rows go into their day partitions (created as needed); rows already present
/// are skipped, so a second restore adds nothing.
restore_report restore_archive(connection& c, const std::filesystem::path& dir,
                               const restore_options& o = {});

}  // namespace footfall::storage
