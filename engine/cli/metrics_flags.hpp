#pragma once
/// `--metrics-addr HOST:PORT` and `--metrics-linger S` of `footfall run` and `footfall worker`:
/// the Prometheus endpoint (engine/observe/metrics_server.hpp) for the length of one run.
#include <boost/program_options.hpp>
#include <memory>
#include <string>

#include "engine/campaign/campaign_runner.hpp"
#include "engine/observe/metrics.hpp"
#include "engine/observe/metrics_server.hpp"

namespace footfall::cli {

/// The flags' values.
struct metrics_flags {
  std::string addr;  ///< empty: no endpoint
  int linger_s = 0;
};

/// Adds both flags to `d`.
void add_metrics_flags(boost::program_options::options_description& d, metrics_flags& f);

/// The endpoint of one run: serves from construction, sees the run through `o` (its progress
/// observer is wrapped, its writer attached). Nothing when --metrics-addr is absent.
class metrics_endpoint {
 public:
  /// Throws usage_error for a malformed address, std::runtime_error when it cannot listen.
  metrics_endpoint(const metrics_flags& f, engine::run_options& o);
  ~metrics_endpoint();
  /// After the run: keeps serving the final numbers for --metrics-linger seconds, so the last
  /// scrape of a short-lived pod sees them.
  void linger() const;

 private:
  int linger_s_ = 0;
  std::shared_ptr<engine::metrics> metrics_;
  std::unique_ptr<engine::metrics_server> server_;
};

}  // namespace footfall::cli
