#pragma once
/// The numbers `footfall run|worker --metrics-addr` exports in the Prometheus text format: the
/// campaign's sessions by status (from the database, all workers), this process's sessions,
/// pages and actions, CDP command latency (cdp/command_stats), browser launches and crashes and
/// lease reclaims (engine/observe/run_events), and the writer's queue and spool (storage::writer_stats).
///
/// Nothing here is pushed on a hot path: the run's progress observer hands over its counters
/// twice a second, the rest is read when /metrics is scraped. Prometheus types stay in the .cpp.
#include <memory>
#include <mutex>
#include <string>

#include "engine/observe/run_counters.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"

namespace footfall::engine {

/// The state behind /metrics, /healthz and /readyz. Thread-safe.
class metrics {
 public:
  metrics();
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// From the run's progress observer (io thread): the campaign as the database counts it and
  /// this process's counters. `final` once, when the run has ended.
  void observe(const storage::session_counts& campaign, run_counters& here,
               storage::campaign_status status, bool stopping, bool final);
  /// The run's writer while it lives; nullptr detaches it, keeping its last stats.
  void attach_writer(const storage::writer* w);

  /// Prometheus text exposition format (version 0.0.4) of every metric.
  std::string scrape() const;
  /// Ready: a run is in progress, not draining, and the database answered within the last 5 s.
  bool ready() const;
  /// The run has ended (its final numbers are in place).
  bool finished() const;

 private:
  struct state;
  std::unique_ptr<state> st_;
};

/// Attaches a writer to `m` (when set) for this object's lifetime. Declare it after the writer.
class writer_metrics_scope {
 public:
  writer_metrics_scope(metrics* m, const storage::writer& w) : m_(m) {
    if (m_) m_->attach_writer(&w);
  }
  ~writer_metrics_scope() {
    if (m_) m_->attach_writer(nullptr);
  }
  writer_metrics_scope(const writer_metrics_scope&) = delete;
  writer_metrics_scope& operator=(const writer_metrics_scope&) = delete;

 private:
  metrics* m_;
};

}  // namespace footfall::engine
