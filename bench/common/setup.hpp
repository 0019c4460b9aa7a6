#pragma once
/// What the benchmarks set up before they measure: their database and, for the ones that compare
/// with the anchors, the fixture site served the way the anchors serve it.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/writer.hpp"

namespace footfall::bench {

/// The database a benchmark records into.
struct bench_database {
  std::string url;
  int server_pid = 0;  ///< the embedded server's postmaster; 0 when --database-url named one
};

/// `url` when given, else footfall's embedded server in `data_dir` (started unless it runs);
/// migrated, with today's partitions.
bench_database open_database(const std::string& url, const std::string& data_dir);

/// Databases a benchmark empties and fills at will, dropped again when it ends. With `url` given,
/// every name stands for `url` itself and nothing is created or dropped; else each name is a
/// database on footfall's embedded server in `data_dir` (started unless it runs), dropped and
/// created anew here. Not migrated.
class scratch_databases {
 public:
  scratch_databases(const std::string& url, const std::string& data_dir,
                    std::vector<std::string> names);
  ~scratch_databases();
  scratch_databases(const scratch_databases&) = delete;
  scratch_databases& operator=(const scratch_databases&) = delete;
  /// The URL of the i-th name.
  const std::string& url(std::size_t i) const { return urls_.at(i); }

 private:
  std::string admin_url_;  ///< empty when `url` was given: nothing to drop
  std::vector<std::string> names_, urls_;
};

/// What the storage throughput benchmarks (bench_ingest, bench_archive) share: their command line
/// (--actions N, default `actions`; --rounds R, default 3; --database-url URL; --data-dir DIR),
/// read with bench::args, and the scratch databases they record into, one per name.
class throughput_run {
 public:
  throughput_run(const std::string& program, std::uint64_t actions, int argc, char** argv,
                 std::vector<std::string> databases);
  std::uint64_t actions;
  int rounds = 3;
  /// The URL of the i-th scratch database.
  const std::string& url(std::size_t i) const { return scratch_->url(i); }

 private:
  std::unique_ptr<scratch_databases> scratch_;
};

/// A writer's options for recording into `url`; the storage defaults otherwise.
storage::writer_options writer_into(const std::string& url);

/// `python3 -m http.server` serving `dir` on 127.0.0.1 (how the anchors serve their site), ready
/// when constructed, stopped by stop() or on destruction.
class python_site {
 public:
  explicit python_site(const std::string& dir);
  ~python_site() { stop(); }
  python_site(const python_site&) = delete;
  python_site& operator=(const python_site&) = delete;
  /// "http://127.0.0.1:PORT".
  const std::string& base() const { return base_; }
  void stop();

 private:
  pid_t pid_ = 0;
  std::string base_;
};

}  // namespace footfall::bench
