#pragma once
/// An archive's manifest (manifest.json): what a retention run moved out of the database, so
/// `db archive list` can show it and `db restore` can check and load it. One archive directory
/// holds one run (DIR/manifest.json) or several, one per subdirectory (DIR/<run>/manifest.json):
/// a nightly CronJob keeps writing into the same volume.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace footfall::storage {

/// The manifest format this binary writes and reads.
inline constexpr int archive_format = 1;

/// Input that is not a usable archive (no manifest, a damaged file, a schema newer than the
/// database's, an unknown campaign): the CLI exits 2. I/O and database failures stay runtime
/// errors (exit 3).
class archive_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// One compressed COPY file.
struct archive_file {
  std::string table;                 ///< personas, campaigns, sessions, or a detail table
  std::string day;                   ///< "YYYY-MM-DD" (UTC) for detail rows, "" for referenced rows
  std::string path;                  ///< relative to the run directory
  std::vector<std::string> columns;  ///< COPY column order
  std::int64_t rows = 0;
  std::uint64_t bytes = 0, raw_bytes = 0;
  std::string sha256;
};

/// A campaign whose rows the run carries.
struct archive_campaign {
  std::string id, name;
  std::int64_t sessions = 0;
};

/// One run's manifest.
struct archive_manifest {
  int format = archive_format;
  std::string schema;      ///< newest migration of the source database, e.g. "0090_persona_popups"
  int schema_version = 0;  ///< its number (restore needs a database at least this new)
  std::string created_at;  ///< ISO 8601 UTC
  std::string from, to;    ///< first and last day of the detail rows ("" when none)
  std::vector<archive_campaign> campaigns;
  std::vector<archive_file> files;  ///< referenced rows first, then detail rows
};

/// Writes DIR/manifest.json (temporary name, fsync, rename, fsync DIR).
void write_manifest(const std::filesystem::path& dir, const archive_manifest& m);
/// Reads DIR/manifest.json; archive_error naming the file if it is missing or malformed.
archive_manifest read_manifest(const std::filesystem::path& dir);

/// The run directories of an archive: DIR itself if it holds manifest.json, else its
/// subdirectories that do (sorted by name, i.e. by time). archive_error if there are none.
std::vector<std::filesystem::path> archive_runs(const std::filesystem::path& dir);

/// One run of an archive, for `db archive list`.
struct archive_run {
  std::filesystem::path dir;
  archive_manifest manifest;
};
/// Every run of an archive with its manifest (archive_error as archive_runs / read_manifest).
std::vector<archive_run> list_archive(const std::filesystem::path& dir);

}  // namespace footfall::storage
