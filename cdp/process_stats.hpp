#pragma once
/// CPU time and resident memory of Chromium's process groups, read from /proc. The launcher puts
/// each browser in a process group of its own, and its helpers inherit it, so a group is one
/// browser with all its renderers.
#include <sys/types.h>

#include <map>
#include <vector>

namespace footfall::cdp {

/// What one process group has used so far.
struct group_usage {
  /// utime+stime+cutime+cstime of the group's live processes: a reaped renderer's time is in
  /// its parent's cutime/cstime, so the sum only grows while the browser lives.
  double cpu_seconds = 0;
  double rss_mib = 0;  ///< resident memory of the group's live processes now
};

/// Usage of each of `pgids`, from one scan of /proc. A group with no live process is absent.
std::map<pid_t, group_usage> process_group_usage(const std::vector<pid_t>& pgids);

}  // namespace footfall::cdp
