#include "storage/embedded_server.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "storage/errors.hpp"
#include "storage/process.hpp"

namespace footfall::storage {
namespace fs = std::filesystem;
namespace {

bool is_root() { return ::geteuid() == 0; }

fs::path pg_bin(const char* tool) {
  const char* env = std::getenv("FOOTFALL_PG_BIN");
  return fs::path(env && *env ? env : "/usr/lib/postgresql/15/bin") / tool;
}

std::string tail(const std::string& s, std::size_t n = 1500) {
  return s.size() <= n ? s : "…" + s.substr(s.size() - n);
}

std::string read_file_tail(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return tail(ss.str());
}

// flock on data_dir/footfall.lock for the scope: initdb, start and stop never race.
class dir_lock {
 public:
  explicit dir_lock(const fs::path& file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw database_error("cannot open lock file " + file.string() + ": " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR)
        throw database_error("cannot lock " + file.string() + ": " + std::strerror(errno));
  }
  ~dir_lock() { ::close(fd_); }
  dir_lock(const dir_lock&) = delete;
  dir_lock& operator=(const dir_lock&) = delete;

 private:
  int fd_ = -1;
};

void give_to_postgres(const fs::path& p) {
  if (!is_root()) return;
  const auto who = detail::postgres_ids();
  if (::chown(p.c_str(), who.uid, who.gid) != 0)
    throw database_error("cannot chown " + p.string() + " to postgres: " + std::strerror(errno));
}

detail::process_result run(const std::vector<std::string>& argv) {
  return detail::run_process(argv, is_root());
}

std::string url_encode_path(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') out += char(c);
    else out += {'%', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

}  // namespace

fs::path default_data_dir() {
  if (const char* d = std::getenv("FOOTFALL_DATA_DIR"); d && *d) return d;
  // postgres cannot enter /root (0700): as root the server's files live where it can reach them.
  if (is_root()) return "/var/lib/footfall/pg";
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return fs::path(x) / "footfall/pg";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".local/share/footfall/pg";
}

embedded_options resolve(embedded_options o) {
  if (o.data_dir.empty()) o.data_dir = default_data_dir();
  o.data_dir = fs::absolute(o.data_dir).lexically_normal();
  if (o.data_dir.has_filename() == false) o.data_dir = o.data_dir.parent_path();
  if (const char* f = std::getenv("FOOTFALL_PG_FSYNC"); f && *f)
    o.fsync = !(std::string(f) == "off" || std::string(f) == "0" || std::string(f) == "false");
  return o;
}

embedded_server::embedded_server(embedded_options o) : options_(resolve(std::move(o))) {}

std::string embedded_server::url() const { return url(options_.database); }

std::string embedded_server::url(const std::string& database) const {
  return "postgresql:///" + url_encode_path(database) +
         "?host=" + url_encode_path(options_.data_dir.string()) + "&user=postgres";
}

namespace {

void write_config(const fs::path& dir, bool fsync) {
  // Rewritten at every start so a changed option applies; included from postgresql.conf.
  const fs::path conf = dir / "data" / "footfall.conf";
  {
    std::ofstream out(conf, std::ios::trunc);
    out << "# Written by footfall at every start (storage/embedded_server.cpp).\n"
           "listen_addresses = ''\n"
           "unix_socket_directories = '" << dir.string() << "'\n"
           "unix_socket_permissions = 0700\n"
           "port = 5432\n"
           "max_connections = 200\n"
           "shared_buffers = 128MB\n"
           "max_wal_size = 2GB\n"
           "fsync = " << (fsync ? "on" : "off") << "\n"
           "full_page_writes = " << (fsync ? "on" : "off") << "\n"
           "log_min_messages = warning\n"
           "log_timezone = 'UTC'\n"
           "timezone = 'UTC'\n";
    if (!out) throw database_error("cannot write " + conf.string());
  }
  give_to_postgres(conf);
}

void init_cluster(const fs::path& dir) {
  const fs::path data = dir / "data";
  // A data dir without PG_VERSION is what an interrupted initdb leaves: start over.
  if (fs::exists(data)) fs::remove_all(data);
  spdlog::info("initializing embedded PostgreSQL in {}", data.string());
  auto r = run({pg_bin("initdb").string(), "-D", data.string(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C"});
  if (r.exit_code != 0)
    throw database_error("initdb " + data.string() + " failed (exit " +
                         std::to_string(r.exit_code) + "): " + tail(r.output));
  std::ofstream conf(data / "postgresql.conf", std::ios::app);
  conf << "\ninclude_if_exists = 'footfall.conf'\n";
}

void create_database(const std::string& admin_url, const std::string& name) {
  pqxx::connection c{admin_url};
  pqxx::nontransaction tx{c};
  if (!tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty()) return;
  tx.exec("CREATE DATABASE " + tx.quote_name(name));
  spdlog::info("created database {}", name);
}

}  // namespace

namespace {
// As root the server runs as postgres, which must be able to walk down to the data dir: /root
// and mktemp -d folders are 0700. Say so plainly instead of quoting initdb's permission error.
void check_reachable_by_postgres(const fs::path& dir) {
  if (!is_root()) return;
  const auto who = detail::postgres_ids();
  for (fs::path p = dir.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) continue;
    const bool ok = (st.st_mode & S_IXOTH) || (st.st_uid == who.uid && (st.st_mode & S_IXUSR)) ||
                    (st.st_gid == who.gid && (st.st_mode & S_IXGRP));
    if (!ok)
      throw database_error("the embedded server runs as the postgres user, which cannot enter " +
                           p.string() + "; choose a data dir it can reach, e.g. under "
                           "/var/lib/footfall, or make " + p.string() + " traversable (chmod o+x)");
  }
}
}  // namespace

std::string embedded_server::ensure_running() {
  const fs::path& dir = options_.data_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw database_error("cannot create data dir " + dir.string() + ": " + ec.message());
  check_reachable_by_postgres(dir);
  give_to_postgres(dir);
  // Private: the socket lives in dir, and pg_hba says trust, so whoever can reach the socket is
  // superuser. Only the server's user (the invoking user, or postgres when root) and root may
  // enter dir; socket mode 0700 (footfall.conf) says the same again.
  fs::permissions(dir, fs::perms(0700), ec);
  if (ec) throw database_error("cannot make " + dir.string() + " private (0700): " + ec.message());
  dir_lock lock(dir / "footfall.lock");

  if (!fs::exists(dir / "data" / "PG_VERSION")) init_cluster(dir);
  // pg_ctl status can say "running" for a postmaster that was just killed (its pid not yet
  // reaped) or one still starting up: only a working connection counts, and a server that turns
  // out dead is started again.
  std::string last_error;
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto st = run({pg_bin("pg_ctl").string(), "status", "-D", (dir / "data").string()});
    if (st.exit_code != 0) {
      write_config(dir, options_.fsync);
      spdlog::info("starting embedded PostgreSQL ({})", dir.string());
      auto r = run({pg_bin("pg_ctl").string(), "start", "-D", (dir / "data").string(), "-w", "-t",
                    "60", "-l", (dir / "server.log").string()});
      if (r.exit_code != 0)
        throw database_error("pg_ctl start -D " + (dir / "data").string() + " failed (exit " +
                             std::to_string(r.exit_code) + "): " + tail(r.output) +
                             "\nserver.log: " + read_file_tail(dir / "server.log"));
    }
    try {
      create_database(url("postgres"), options_.database);
      return url();
    } catch (const std::exception& e) {
      last_error = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw database_error("embedded PostgreSQL in " + dir.string() + " does not accept connections: " +
                       last_error + "\nserver.log: " + read_file_tail(dir / "server.log"));
}

bool embedded_server::stop() {
  const fs::path& dir = options_.data_dir;
  if (!fs::exists(dir / "data" / "PG_VERSION")) return false;
  dir_lock lock(dir / "footfall.lock");
  auto st = run({pg_bin("pg_ctl").string(), "status", "-D", (dir / "data").string()});
  if (st.exit_code != 0) return false;
  auto r = run({pg_bin("pg_ctl").string(), "stop", "-D", (dir / "data").string(), "-m", "fast",
                "-w", "-t", "60"});
  if (r.exit_code != 0)
    throw database_error("pg_ctl stop -D " + (dir / "data").string() + " failed: " + tail(r.output));
  return true;
}

embedded_status embedded_server::status() const {
  embedded_status s;
  s.data_dir = options_.data_dir;
  s.url = url();
  s.initialized = fs::exists(options_.data_dir / "data" / "PG_VERSION");
  if (!s.initialized) return s;
  auto st = run({pg_bin("pg_ctl").string(), "status", "-D", (options_.data_dir / "data").string()});
  s.running = st.exit_code == 0;
  if (s.running) {
    std::ifstream pidfile(options_.data_dir / "data" / "postmaster.pid");
    long pid = 0;
    if (pidfile >> pid) s.pid = pid;
  }
  return s;
}

}  // namespace footfall::storage
