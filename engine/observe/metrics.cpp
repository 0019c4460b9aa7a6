#include "engine/observe/metrics.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <limits>
#include <map>
#include <vector>

#include "cdp/command_stats.hpp"
#include "engine/observe/run_events.hpp"

namespace footfall::engine {

namespace pm = prometheus;
using storage::session_status;
using clock = std::chrono::steady_clock;

struct metrics::state {
  mutable std::mutex m;
  bool observed = false;
  bool final = false;
  bool stopping = false;
  clock::time_point last_observed;
  storage::campaign_status status = storage::campaign_status::pending;
  std::map<session_status, std::int64_t> campaign;
  std::map<session_status, long> here;
  std::map<storage::action_type, long> actions_by_type;
  long pages = 0;
  int running_here = 0;
  const storage::writer* writer = nullptr;
  storage::writer_stats writer_stats;  ///< the last read (kept when the writer goes away)

  /// Called with `m` held.
  bool ready() const {
    return observed && !final && !stopping &&
           clock::now() - last_observed < std::chrono::seconds(5);
  }
};

namespace {

/// The statuses exported even at zero, so a dashboard's series exist from the first scrape.
constexpr session_status all_statuses[] = {session_status::pending, session_status::running,
                                           session_status::completed, session_status::failed,
                                           session_status::timeout, session_status::dropped};

pm::MetricFamily family(std::string name, std::string help, pm::MetricType type) {
  pm::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add(pm::MetricFamily& f, double v, std::vector<pm::ClientMetric::Label> labels = {}) {
  pm::ClientMetric m;
  m.label = std::move(labels);
  if (f.type == pm::MetricType::Counter)
    m.counter.value = v;
  else
    m.gauge.value = v;
  f.metric.push_back(std::move(m));
}

pm::MetricFamily scalar(std::string name, std::string help, pm::MetricType type, double v) {
  auto f = family(std::move(name), std::move(help), type);
  add(f, v);
  return f;
}

pm::MetricFamily cdp_latency() {
  const auto s = cdp::global_command_stats().snapshot();
  auto f =
      family("footfall_cdp_command_duration_seconds",
             "DevTools commands, send to reply (or error/timeout), all browsers of this process",
             pm::MetricType::Histogram);
  pm::ClientMetric m;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < s.buckets.size(); ++i) {
    cumulative += s.buckets[i];
    const double le =
        i < s.bounds_s.size() ? s.bounds_s[i] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back({cumulative, le});
  }
  // count from the buckets, not s.count: a record() between the two reads must not make
  // _count disagree with the +Inf bucket.
  m.histogram.sample_count = cumulative;
  m.histogram.sample_sum = s.sum_s;
  f.metric.push_back(std::move(m));
  return f;
}

void add_writer(std::vector<pm::MetricFamily>& out, const storage::writer_stats& w) {
  using pm::MetricType;
  out.push_back(scalar("footfall_writer_queue_rows", "rows waiting in the writer's queue",
                       MetricType::Gauge, static_cast<double>(w.queued_rows)));
  out.push_back(scalar("footfall_writer_batches_committed_total",
                       "batches the writer committed to PostgreSQL", MetricType::Counter,
                       static_cast<double>(w.batches_committed)));
  out.push_back(scalar("footfall_writer_batches_spooled_total",
                       "batches written to the spool file while the database was unreachable",
                       MetricType::Counter, static_cast<double>(w.batches_spooled)));
  out.push_back(scalar("footfall_writer_batches_replayed_total", "spooled batches later committed",
                       MetricType::Counter, static_cast<double>(w.batches_replayed)));
  out.push_back(scalar("footfall_writer_rejected_items_total",
                       "items the database refused (kept in rejected-*.jsonl)", MetricType::Counter,
                       static_cast<double>(w.rejected_items)));
  out.push_back(scalar("footfall_writer_reconnects_total", "writer reconnections to PostgreSQL",
                       MetricType::Counter, static_cast<double>(w.reconnects)));
}

}  // namespace

metrics::metrics() : st_(std::make_unique<state>()) {}
metrics::~metrics() = default;

void metrics::observe(const storage::session_counts& campaign, run_counters& here,
                      storage::campaign_status status, bool stopping, bool final) {
  std::map<session_status, long> by_status;
  std::map<storage::action_type, long> by_type;
  {
    std::lock_guard lk(here.m);
    by_status = here.by_status;
    by_type = here.by_type;
  }
  std::lock_guard lk(st_->m);
  st_->observed = true;
  st_->last_observed = clock::now();
  st_->final = st_->final || final;
  st_->stopping = stopping;
  st_->status = status;
  st_->campaign = campaign.by_status;
  st_->here = std::move(by_status);
  st_->actions_by_type = std::move(by_type);
  st_->pages = here.pages;
  st_->running_here = here.running;
}

void metrics::attach_writer(const storage::writer* w) {
  std::lock_guard lk(st_->m);
  if (st_->writer) st_->writer_stats = st_->writer->stats();
  st_->writer = w;
}

bool metrics::ready() const {
  std::lock_guard lk(st_->m);
  return st_->ready();
}

bool metrics::finished() const {
  std::lock_guard lk(st_->m);
  return st_->final;
}

std::string metrics::scrape() const {
  using pm::MetricType;
  std::vector<pm::MetricFamily> out;
  std::lock_guard lk(st_->m);
  auto campaign = family("footfall_campaign_sessions",
                         "the campaign's sessions by status, all workers (from the database)",
                         MetricType::Gauge);
  auto ended = family("footfall_sessions_total",
                      "sessions this process ran to an end, by final status", MetricType::Counter);
  for (auto s : all_statuses) {
    const auto it = st_->campaign.find(s);
    add(campaign, it == st_->campaign.end() ? 0.0 : static_cast<double>(it->second),
        {{"status", std::string(storage::to_string(s))}});
    if (s == session_status::pending || s == session_status::running) continue;
    const auto h = st_->here.find(s);
    add(ended, h == st_->here.end() ? 0.0 : static_cast<double>(h->second),
        {{"status", std::string(storage::to_string(s))}});
  }
  out.push_back(std::move(campaign));
  out.push_back(std::move(ended));
  out.push_back(scalar("footfall_sessions_running", "sessions running in this process now",
                       MetricType::Gauge, st_->running_here));
  auto actions = family("footfall_actions_total", "actions this process performed, by type",
                        MetricType::Counter);
  for (const auto& [t, n] : st_->actions_by_type)
    add(actions, static_cast<double>(n), {{"type", std::string(storage::to_string(t))}});
  out.push_back(std::move(actions));
  out.push_back(scalar("footfall_pages_total", "pages this process visited", MetricType::Counter,
                       static_cast<double>(st_->pages)));
  out.push_back(cdp_latency());
  const auto cs = cdp::global_command_stats().snapshot();
  auto failed = family("footfall_cdp_command_failures_total",
                       "DevTools commands that failed, by kind", MetricType::Counter);
  add(failed, static_cast<double>(cs.errors), {{"kind", "error"}});
  add(failed, static_cast<double>(cs.timeouts), {{"kind", "timeout"}});
  out.push_back(std::move(failed));
  auto& ev = events();
  out.push_back(scalar("footfall_browser_launches_total", "Chromium processes launched",
                       MetricType::Counter, static_cast<double>(ev.browser_launches.load())));
  out.push_back(scalar("footfall_browser_crashes_total",
                       "Chromium processes that died unasked (crash, OOM kill)",
                       MetricType::Counter, static_cast<double>(ev.browser_crashes.load())));
  out.push_back(scalar("footfall_lease_reclaims_total",
                       "sessions this process took back from workers whose lease expired",
                       MetricType::Counter, static_cast<double>(ev.lease_reclaims.load())));
  out.push_back(scalar("footfall_database_outage_seconds_total",
                       "time this process spent waiting for an unreachable database",
                       MetricType::Counter,
                       ev.database_outage_seconds(clock::now())));
  add_writer(out, st_->writer ? st_->writer->stats() : st_->writer_stats);
  out.push_back(scalar("footfall_ready", "1 while the run is in progress and the database answers",
                       MetricType::Gauge, st_->ready() ? 1.0 : 0.0));
  out.push_back(scalar("footfall_run_finished", "1 once this process's run has ended",
                       MetricType::Gauge, st_->final ? 1.0 : 0.0));
  return pm::TextSerializer().Serialize(out);
}

}  // namespace footfall::engine
