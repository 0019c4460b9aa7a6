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
  /// The part of pss_mib in anonymous and shared-memory pages (Pss_Anon + Pss_Shmem): what the
  /// group takes from the machine. The rest is file-backed (the Chromium binary, libraries,
  /// fonts): page cache the kernel counts as available and can drop, so a run's rise in used
  /// memory (MemTotal − MemAvailable) does not include it.
  double pss_anon_shmem_mib = 0;
};

/// One process's proportional set size in MiB, whole and by kind of page.
struct process_pss {
  double total = 0;
  double anon = 0;
  double file = 0;
  double shmem = 0;
};

/// smaps_rollup of one process; nullopt when unreadable (ended, or no smaps_rollup: Linux <
/// 4.14). The split needs Linux 5.9+; before it, anon/file/shmem stay 0.
std::optional<process_pss> read_process_pss(pid_t pid);

/// Proportional set size of one process in MiB (read_process_pss's total).
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
