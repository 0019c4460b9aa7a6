#pragma once
// Internal to storage/: the writer's unit of work (a batch of queued items) and its JSON-lines
// spool files, used while the database is unreachable and replayed when it is back.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/records.hpp"

namespace footfall::storage::detail {

/// What the engine hands the writer.
using item = std::variant<session_row, page_record>;
/// Rows an item becomes: 1 for a session, 1 + actions for a page.
std::size_t rows_of(const item& i);
/// The session an item belongs to and the attempt that wrote it (0: unfenced).
std::pair<uuid, int> fencing_token(const item& i);

/// Items committed together in one transaction, identified in writer_batches by `id`.
struct batch {
  uuid id;
  std::vector<item> items;
  std::size_t rows = 0;
  /// An earlier attempt may have committed (connection lost around COMMIT, or replayed from a
  /// spool): look the id up in writer_batches before writing.
  bool maybe_committed = false;
};

std::string to_json_line(const batch& b);
/// A spool file's first line names the database it is for: {"spool_for": {"database": ID, …}}.
bool is_spool_header(const std::string& line);
/// What a header line names: the database identity ("" when its writer never reached the
/// database) and the (redacted) URL it was writing to; nullopt when the line is no header.
struct spool_for {
  std::string database;
  std::string url;
};
std::optional<spool_for> spool_target(const std::string& line);
/// Throws std::exception (nlohmann) on a malformed line.
batch from_json_line(const std::string& line);

/// An append-only JSON-lines file, flock'ed exclusively while open so that no other writer
/// replays it at the same time.
class spool_file {
 public:
  /// Opens (creating) `path` and takes the lock; nullopt when another process holds it.
  static std::optional<spool_file> open_locked(const std::filesystem::path& path, bool wait);
  spool_file(spool_file&& o) noexcept;
  spool_file& operator=(spool_file&& o) noexcept;
  ~spool_file();

  /// Appends one line and fdatasync()s it: a spooled batch survives a crash of this process.
  void append(const std::string& line);
  /// Every complete line, in order (a torn last line is skipped with a warning).
  std::vector<std::string> lines() const;
  bool empty() const;
  /// Empties the file (after everything in it was committed).
  void clear();
  /// Deletes the file (lock still held until destruction).
  void remove();
  const std::filesystem::path& path() const { return path_; }

 private:
  spool_file(std::filesystem::path p, int fd) : path_(std::move(p)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

/// Default spool directory (see writer_options::spool_dir).
std::filesystem::path default_spool_dir();

}  // namespace footfall::storage::detail
