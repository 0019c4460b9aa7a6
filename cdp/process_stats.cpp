#include "cdp/process_stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>

namespace footfall::cdp {

std::map<pid_t, group_usage> process_group_usage(const std::vector<pid_t>& pgids) {
  std::map<pid_t, group_usage> out;
  if (pgids.empty()) return out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_mib = static_cast<double>(sysconf(_SC_PAGE_SIZE)) / (1024.0 * 1024.0);
  std::unique_ptr<DIR, int (*)(DIR*)> proc(opendir("/proc"), closedir);
  if (!proc) return out;
  char path[300], buf[1024];
  while (auto* e = readdir(proc.get())) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path, "r"), std::fclose);
    if (!f) continue;  // the process ended between readdir and open
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f.get());
    buf[n] = '\0';
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const char* rest = std::strrchr(buf, ')');
    if (!rest) continue;
    char state;
    int ppid, pgrp;
    unsigned long long utime, stime;
    long long cutime, cstime, rss;
    // Fields 3.. of proc(5): state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
    // cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss
    if (std::sscanf(rest + 2,
                    "%c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld %*d %*d %*d %*d "
                    "%*u %*u %lld",
                    &state, &ppid, &pgrp, &utime, &stime, &cutime, &cstime, &rss) != 8)
      continue;
    if (std::find(pgids.begin(), pgids.end(), pgrp) == pgids.end()) continue;
    auto& u = out[pgrp];
    u.cpu_seconds += static_cast<double>(utime + stime + cutime + cstime) / tick;
    u.rss_mib += static_cast<double>(rss) * page_mib;
  }
  return out;
}

}  // namespace footfall::cdp
