#pragma once
/// The files of an archive: zstd-compressed PostgreSQL COPY text (`zstdcat f | psql -c "COPY t
/// FROM STDIN"` reads one back without footfall), each with its sha256 and sizes. A file is
/// written under "<name>.tmp", fsynced and renamed, so a name that exists is a complete file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace footfall::storage {

/// Sizes and checksum of one finished file.
struct archive_file_digest {
  std::uint64_t bytes = 0;      ///< compressed, on disk
  std::uint64_t raw_bytes = 0;  ///< COPY text before compression
  std::string sha256;           ///< of the bytes on disk, lowercase hex
};

/// Writes one compressed file. Throws std::system_error (naming the path) on I/O failure.
class archive_file_writer {
 public:
  /// Opens "<path>.tmp" for writing (zstd level 1: fast, and COPY text still shrinks ~5x).
  explicit archive_file_writer(std::filesystem::path path, int level = 1);
  ~archive_file_writer();  ///< removes the temporary file unless commit() ran
  archive_file_writer(const archive_file_writer&) = delete;
  archive_file_writer& operator=(const archive_file_writer&) = delete;

  /// Appends uncompressed bytes.
  void write(std::string_view data);
  /// Ends the zstd frame, fsyncs, renames to the final name. The caller fsyncs the directory.
  archive_file_digest commit();

 private:
  struct state;
  std::unique_ptr<state> s_;
};

/// sha256 (lowercase hex) of a file's bytes.
std::string sha256_file(const std::filesystem::path& path);

/// Decompresses a file, handing the COPY text to `sink` in chunks (not split at line ends).
/// Throws std::runtime_error naming the file if it is not a complete zstd stream.
void read_archive_file(const std::filesystem::path& path,
                       const std::function<void(std::string_view)>& sink);

/// fsync of a directory, so renames and new entries in it survive a crash.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace footfall::storage
