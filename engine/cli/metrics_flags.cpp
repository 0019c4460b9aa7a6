#include "engine/cli/metrics_flags.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "engine/cli/commands.hpp"
#include "engine/cli/flag_rules.hpp"

namespace footfall::cli {

namespace po = boost::program_options;

namespace {

engine::host_port parse_addr(const std::string& s) {
  try {
    return engine::parse_host_port(s);
  } catch (const std::invalid_argument& e) {
    throw usage_error(std::string("--metrics-addr: ") + e.what());
  }
}

}  // namespace

void add_metrics_flags(po::options_description& d, metrics_flags& f) {
  // Checked while the flags are parsed, so a bad address fails before anything is created.
  d.add_options()("metrics-addr",
                  po::value(&f.addr)->value_name("HOST:PORT")->notifier([](const std::string& s) {
                    parse_addr(s);
                  }),
                  "serve Prometheus /metrics, /healthz and /readyz here (e.g. 0.0.0.0:9464)")(
      "metrics-linger", ranged(&f.linger_s, "metrics-linger", 0, 3600)->value_name("S"),
      "keep serving the final metrics S seconds after the run (default 0)");
}

metrics_endpoint::metrics_endpoint(const metrics_flags& f, engine::run_options& o)
    : linger_s_(f.linger_s) {
  if (f.addr.empty()) return;
  const auto at = parse_addr(f.addr);
  metrics_ = std::make_shared<engine::metrics>();
  server_ = std::make_unique<engine::metrics_server>(at, metrics_);
  o.export_metrics = metrics_.get();
  o.progress = [m = metrics_, shown = std::move(o.progress)](
                   const storage::session_counts& counts, engine::run_counters& rc,
                   storage::campaign_status status, bool stopping, bool final) {
    m->observe(counts, rc, status, stopping, final);
    if (shown) shown(counts, rc, status, stopping, final);
  };
}

metrics_endpoint::~metrics_endpoint() = default;

void metrics_endpoint::linger() const {
  if (!server_ || linger_s_ <= 0) return;
  spdlog::info("run finished; serving its final metrics for {} s more", linger_s_);
  std::this_thread::sleep_for(std::chrono::seconds(linger_s_));
}

}  // namespace footfall::cli
