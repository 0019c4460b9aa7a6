#pragma once
/// footfall's private PostgreSQL 15: used when neither --database-url nor DATABASE_URL is given.
/// initdb + pg_ctl from /usr/lib/postgresql/15/bin (FOOTFALL_PG_BIN overrides), started on demand,
/// left running and reused by later runs. It listens on a unix socket only (listen_addresses='').
///
/// Private: data_dir is 0700 and the socket 0700, both owned by the server's user, so only that
/// user and root can connect (pg_hba is `trust` on the socket, which nobody else can reach). As
/// root the server runs as postgres and root still connects (root passes any mode bits).
///
/// Layout of data_dir (0700):
///   data_dir/data/           PGDATA (0700)
///   data_dir/.s.PGSQL.5432   the socket
///   data_dir/server.log      server log
///   data_dir/footfall.lock   flock held while initializing/starting/stopping, so two processes
///                            starting at once never both run initdb
/// As root, initdb refuses to run: the server then runs as the `postgres` system user, which owns
/// data_dir (and the default moves from ~root, which postgres cannot enter, to /var/lib/footfall).
#include <filesystem>
#include <optional>
#include <string>

namespace footfall::storage {

/// How to run the embedded server.
struct embedded_options {
  /// Empty means default_data_dir().
  std::filesystem::path data_dir;
  /// Database created on first start and named in url().
  std::string database = "footfall";
  /// fsync=on by default; FOOTFALL_PG_FSYNC=off (or this flag) trades crash safety for speed on
  /// throwaway test servers. Applied at every start.
  bool fsync = true;
};

/// Where the embedded server's data lives when no --data-dir is given: FOOTFALL_DATA_DIR, else
/// /var/lib/footfall/pg when root, else $XDG_DATA_HOME/footfall/pg (~/.local/share/footfall/pg).
std::filesystem::path default_data_dir();

/// Fills defaults: data_dir from default_data_dir() when empty, fsync from FOOTFALL_PG_FSYNC.
embedded_options resolve(embedded_options o);

/// What `footfall db status` reports.
struct embedded_status {
  bool initialized = false;          ///< PGDATA exists
  bool running = false;              ///< pg_ctl status says so
  std::optional<long> pid;           ///< postmaster pid when running
  std::filesystem::path data_dir;
  std::string url;                   ///< libpq URL of the footfall database
};

/// Handle on one data dir. Does not stop the server on destruction: it is meant to be reused.
class embedded_server {
 public:
  explicit embedded_server(embedded_options o = {});

  /// Initializes (first use), starts (when not running) and creates the database (first use),
  /// all under the data dir's flock; returns url(). Throws database_error naming the failed step
  /// and quoting the tool's output / server log tail.
  std::string ensure_running();
  /// pg_ctl stop -m fast, if running. Returns whether a server was stopped.
  bool stop();
  embedded_status status() const;
  /// `postgresql:///footfall?host=DATA_DIR&user=postgres` (works whether or not it runs).
  std::string url() const;
  /// The same URL for another database on this server (tests create one per case).
  std::string url(const std::string& database) const;
  const embedded_options& options() const { return options_; }

 private:
  embedded_options options_;
};

}  // namespace footfall::storage
