#pragma once
/// bench/capacity's shared parts: the human-paced workload both tools run, one step's figures,
/// the fidelity rule and the resource probe (CPU and PSS of a driver process + its browsers,
/// through cdp/process_stats, the one owner of /proc parsing).
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/records.hpp"

namespace footfall::bench {

/// One step of the ramp: how many visitors, how long, on which site.
struct step_plan {
  int visitors = 1;
  double warm_s = 15;  ///< ramp-in, not measured (context launches, first loads)
  double hold_s = 45;  ///< measured window after warm_s
  std::string base;    ///< http://127.0.0.1:PORT of the fixture site
  std::uint64_t seed = 12;
};

/// The human-paced persona both tools imitate (bench/capacity_playwright.js draws the same
/// plan: 20–30 s sessions, 2–3 pages, 3–5 actions a page, think time per engine/persona/behaviour).
storage::persona capacity_persona();

/// One page load in the hold window: the page's path and its own load time (navigation timing's
/// loadEventEnd, as both tools read it).
struct page_load {
  std::string path;
  double ms = NAN;
};

/// What one tool did at one step, measured over the hold window.
struct step_result {
  std::string tool;
  int visitors = 0;
  int sessions = 0, failed = 0;               ///< sessions that ended during the step (any time)
  long actions = 0;  ///< journey steps (a think, then an action or a link) begun in the window
  double lag_p50_ms = NAN, lag_p95_ms = NAN;  ///< start lag of actions in the window
  double load_p50_ms = NAN;                   ///< page's own load time of pages arrived in it
  std::vector<page_load> loads;               ///< … each of them
  /// Median over the loads of each one ÷ its page's unloaded p50 (load_slowdown); set by the
  /// ramp, which knows the unloaded step.
  double load_slowdown = NAN;
  /// Median over the loads of each one − its page's unloaded p50, ms (load_excess_ms).
  double load_excess_ms = NAN;
  double cpu_s = NAN;                         ///< driver + browsers' CPU over the window
  double driver_cpu_s = NAN;       ///< … of which the driver's (footfall, or Node + Playwright)
  double window_s = NAN;           ///< its length
  double peak_pss_mib = NAN;       ///< driver + browsers, peak over the window
  double mem_available_mib = NAN;  ///< the machine's MemAvailable at the window's end
  double machine_busy = NAN;       ///< busy share of all cores over the window (every process)
  /// The hold window on the steady clock (peak_sampler), to read page_event_tally by.
  std::chrono::steady_clock::time_point window_from{}, window_to{};
  /// Trusted input events the pages saw in the window, by type (page_events.js).
  std::map<std::string, long> page_events;
  std::string error;               ///< set when the step could not run
};

/// Each page's load p50 (the unloaded step's are every later step's bar).
std::map<std::string, double> load_p50_by_page(const std::vector<page_load>& loads);

/// How much slower pages loaded than unloaded: the median, over the loads of pages the unloaded
/// step also loaded, of load ÷ that page's unloaded p50; NAN when there is none. Per page, not
/// one p50 of all loads: a session's first page loads in a fresh context and renderer (index
/// ~100 ms here, later pages ~40–70 ms), so a pooled p50 moved with the mix of first and later
/// pages in the window as much as with the machine's load.
double load_slowdown(const std::vector<page_load>& loads,
                     const std::map<std::string, double>& unloaded);

/// How much later pages loaded than unloaded, in ms: the median, over the same loads as
/// load_slowdown, of load − that page's unloaded p50; NAN when there is none.
double load_excess_ms(const std::vector<page_load>& loads,
                      const std::map<std::string, double>& unloaded);

/// The load rule's two thresholds, both of which a step must pass for loads to break it (like
/// compare's relative and absolute thresholds): pages of 40–100 ms doubled by a renderer sharing
/// a core for a moment is noise, not lost fidelity — round 8's ramps "broke" at 2 visitors with
/// the machine a third busy on +40–100 ms — while a page 100 ms and 1.5× slower is a visitor
/// the site sees differently.
inline constexpr double max_load_slowdown = 1.5;
inline constexpr double max_load_excess_ms = 100;

/// Why a step does not hold fidelity ("" when it does): lag p95 > 250 ms, loads both > 1.5× and
/// > 100 ms over unloaded (medians), failed sessions > 5 %, or less than 10 % of memory left.
std::string fidelity_break(const step_result& r, double mem_total_mib);

/// Linear-interpolated percentile (q in 0..1) of `v` (sorted in place); NAN when empty.
double percentile(std::vector<double> v, double q);

/// CPU seconds and PSS of a driver and the browsers it started. The driver is this process
/// (`driver_pgid` empty: getrusage + smaps_rollup) or a process group (Node + Playwright).
class usage_probe {
 public:
  usage_probe(std::optional<pid_t> driver_pgid, std::vector<pid_t> browser_pgids);
  double cpu_s() const;
  double driver_cpu_s() const;
  double pss_mib() const;
  /// The driver is this process (its CPU is read with getrusage).
  bool in_this_process() const { return !driver_; }

 private:
  std::optional<pid_t> driver_;
  std::vector<pid_t> browsers_;
};

/// Samples a probe's PSS once a second on its own thread (smaps_rollup of a big process costs
/// milliseconds: not on an io thread) and keeps the peak; also the machine's busy share. Its own
/// CPU is the bench's, not the driver's: when the driver is this process (footfall), the sampling
/// thread's CPU time is taken out of the driver's figure, as it is outside Node's for Playwright.
class peak_sampler {
 public:
  explicit peak_sampler(usage_probe p);
  ~peak_sampler();
  peak_sampler(const peak_sampler&) = delete;
  peak_sampler& operator=(const peak_sampler&) = delete;
  /// Stops sampling; fills the window's CPU, peak PSS, machine figures into `r`.
  void finish(step_result& r);

 private:
  usage_probe probe_;
  double cpu0_, driver0_;
  std::chrono::steady_clock::time_point t0_;
  unsigned long long busy0_, total0_;
  std::atomic<double> peak_{0};
  std::atomic<double> own_cpu_s_{0};  ///< the sampling thread's CPU time
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// The input events the bench site's pages report (bench/capacity/page_events.js, served in
/// place of the tests' recorder), by type and arrival time; add() is called from the site's
/// thread. A page reports every 3 s, so a window's count is shifted by up to that much at both
/// ends — alike for both tools.
class page_event_tally {
 public:
  /// A report's body: {"mousemove": 12, "wheel": 3, ...}; anything else is ignored.
  void add(const std::string& body);
  /// Per type, the events reported from `from` to `to`.
  std::map<std::string, long> between(std::chrono::steady_clock::time_point from,
                                      std::chrono::steady_clock::time_point to) const;

 private:
  struct report {
    std::chrono::steady_clock::time_point at;
    std::string type;
    long n;
  };
  mutable std::mutex mu_;
  std::vector<report> reports_;
};

/// MemTotal of this machine in MiB.
double mem_total_mib();

}  // namespace footfall::bench
