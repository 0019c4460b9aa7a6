#include "cdp/process_stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace footfall::cdp {

std::optional<process_pss> read_process_pss(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/smaps_rollup", static_cast<int>(pid));
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path, "r"), std::fclose);
  if (!f) return std::nullopt;
  process_pss out;
  bool seen = false;
  char line[256];
  while (std::fgets(line, sizeof line, f.get())) {
    unsigned long long kib = 0;
    const auto mib = [&kib] { return static_cast<double>(kib) / 1024.0; };
    if (std::sscanf(line, "Pss: %llu kB", &kib) == 1) {
      out.total = mib();
      seen = true;
    } else if (std::sscanf(line, "Pss_Anon: %llu kB", &kib) == 1) {
      out.anon = mib();
    } else if (std::sscanf(line, "Pss_File: %llu kB", &kib) == 1) {
      out.file = mib();
    } else if (std::sscanf(line, "Pss_Shmem: %llu kB", &kib) == 1) {
      out.shmem = mib();
    }
  }
  if (!seen) return std::nullopt;
  return out;
}

std::optional<double> process_pss_mib(pid_t pid) {
  if (const auto p = read_process_pss(pid)) return p->total;
  return std::nullopt;
}

machine_usage read_machine_usage() {
  machine_usage m;
  if (std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen("/proc/meminfo", "r"), std::fclose); f) {
    char line[256];
    unsigned long long total = 0, available = 0, v = 0;
    while (std::fgets(line, sizeof line, f.get())) {
      if (std::sscanf(line, "MemTotal: %llu kB", &v) == 1) total = v;
      if (std::sscanf(line, "MemAvailable: %llu kB", &v) == 1) available = v;
    }
    m.used_mib = static_cast<double>(total - std::min(total, available)) / 1024.0;
  }
  if (std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen("/proc/stat", "r"), std::fclose); f) {
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
                       softirq = 0, steal = 0;
    // proc(5): "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest
    // time is already inside user, so it is not added again.
    if (std::fscanf(f.get(), "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
                    &system, &idle, &iowait, &irq, &softirq, &steal) == 8) {
      m.busy_ticks = user + nice + system + irq + softirq + steal;
      m.total_ticks = m.busy_ticks + idle + iowait;
    }
  }
  return m;
}

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
    // A process that ended since its stat was read adds nothing: it holds no memory any more.
    if (const auto p = read_process_pss(static_cast<pid_t>(std::atoi(e->d_name)))) {
      u.pss_mib += p->total;
      u.pss_anon_shmem_mib += p->anon + p->shmem;
    }
  }
  return out;
}

}  // namespace footfall::cdp
