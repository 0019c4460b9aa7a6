#pragma once
/// What the benchmarks set up before they measure: their database and, for the ones that compare
/// with the anchors, the fixture site served the way the anchors serve it.
#include <sys/types.h>

#include <string>

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
