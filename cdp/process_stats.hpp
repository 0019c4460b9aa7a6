#pragma once
/// CPU time and memory of Chromium's process groups, of footfall itself and of the machine, read
/// from /proc: the one owner of /proc parsing. The launcher puts each browser in a process group
/// of its own, and its helpers inherit it, so a group is one browser with all its renderers.
#include <sys/types.h>

#include <map>
#include <optional>
#include <vector>

namespace footfall::cdp {

/// What one process group has used so far.
struct group_usage {
  /// utime+stime+cutime+cstime of the group's live processes: a reaped renderer's time is in
  /// its parent's cutime/cstime, so the sum only grows while the browser lives.
  double cpu_seconds = 0;
  double rss_mib = 0;  ///< resident memory of the group's live processes now (shared pages
                       ///< counted once per process: overstates a multi-process browser)
  /// Proportional set size (/proc/PID/smaps_rollup): each shared page divided among the
  /// processes that map it, so sums over processes add up to real memory.
  double pss_mib = 0;
};

/// Proportional set size of one process in MiB; nullopt when unreadable (ended, or no
/// smaps_rollup: Linux < 4.14).
std::optional<double> process_pss_mib(pid_t pid);

/// The whole machine now: memory in use and cumulative CPU ticks (/proc/meminfo, /proc/stat).
struct machine_usage {
  double used_mib = 0;  ///< MemTotal − MemAvailable
  unsigned long long busy_ticks = 0;   ///< all CPUs: user+nice+system+irq+softirq+steal
  unsigned long long total_ticks = 0;  ///< the same plus idle and iowait
};
machine_usage read_machine_usage();

/// Usage of each of `pgids`, from one scan of /proc. A group with no live process is absent.
std::map<pid_t, group_usage> process_group_usage(const std::vector<pid_t>& pgids);

}  // namespace footfall::cdp
