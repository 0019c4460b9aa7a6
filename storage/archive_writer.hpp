#pragma once
/// Writing expired detail rows to an archive directory before retention removes them. Layout of
/// one run (DIR/<YYYYMMDDTHHMMSSZ>/):
///   manifest.json                         storage/archive_manifest.hpp
///   refs/personas.copy.zst, refs/campaigns.copy.zst, refs/sessions.copy.zst
///   <table>/<YYYY-MM-DD>.copy.zst         detail rows per table and UTC day
///   <table>/<YYYY-MM-DD>.default.copy.zst rows of that day found in the DEFAULT partition
/// Every file is PostgreSQL COPY text compressed with zstd. The run is built in DIR/.partial-<run>
/// and renamed into place once every file has been re-read and its checksum and row count
/// verified, so a run directory with a manifest is always complete.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// Expired rows of one relation (a retention step): the whole partition, or its expired rows.
struct archive_source {
  std::string table;     ///< detail table: page_visits, actions, requests, session_traces
  std::string relation;  ///< the table itself or one of its partitions
  bool whole = false;    ///< every row of `relation` (a daily partition being dropped)
  std::optional<time_point> day;  ///< the partition's day, when whole
};

/// What a run wrote.
struct archive_summary {
  std::filesystem::path run_dir;
  std::size_t files = 0;
  std::int64_t rows = 0;  ///< detail rows
  std::uint64_t bytes = 0, raw_bytes = 0;
  std::vector<std::int64_t> source_rows;  ///< rows archived per source, in order
};

/// Archives the expired rows of `sources` (sessions expired as of `now` under the given
/// horizons) with the campaign, persona and session rows they refer to, in one consistent
/// snapshot. Throws std::system_error naming the directory if it cannot be written (before
/// reading anything), database_error on SQL failure. Logs a progress line per file.
archive_summary write_archive(connection& c, const std::filesystem::path& dir, time_point now,
                              std::chrono::days completed, std::chrono::days failed,
                              const std::vector<archive_source>& sources);

}  // namespace footfall::storage
