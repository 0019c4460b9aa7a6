#include "engine/cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

namespace footfall::engine {

using storage::session_status;

progress_reporter::progress_reporter(std::string campaign, int total)
    : campaign_(std::move(campaign)), total_(total), tty_(isatty(STDERR_FILENO) != 0) {}

std::string progress_reporter::line(const storage::session_counts& c, run_counters& rc,
                                    storage::campaign_status status, bool stopping) {
  const long done = c.of(session_status::completed);
  const long failed = c.of(session_status::failed) + c.of(session_status::timeout);
  const long running = c.of(session_status::running);
  const long pending = c.of(session_status::pending);
  const long ended = done + failed + c.of(session_status::dropped);
  if (start_ended_ < 0) start_ended_ = ended;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double aps = secs > 0 ? static_cast<double>(rc.actions.load()) / secs : 0;
  std::string eta = "--:--";
  const long ended_here = ended - start_ended_;
  if (ended_here > 0 && secs > 0) {
    const long left =
        static_cast<long>((pending + running) * secs / static_cast<double>(ended_here));
    char b[32];
    std::snprintf(b, sizeof b, "%ld:%02ld", left / 60, left % 60);
    eta = b;
  }
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%s [%s%s] done %ld/%d  failed %ld  running %ld  %.1f actions/s  ETA %s",
                campaign_.c_str(), std::string(storage::to_string(status)).c_str(),
                stopping ? ", stopping" : "", done, total_, failed, running, aps, eta.c_str());
  return buf + arrivals_part(c);
}

std::string progress_reporter::arrivals_part(const storage::session_counts& c) {
  if (!c.arrivals) return "";
  const auto& a = *c.arrivals;
  const auto ms = [](const std::optional<double>& v) {
    return v ? std::to_string(static_cast<long>(*v)) : std::string("-");
  };
  char buf[192];
  std::snprintf(buf, sizeof buf, "  arrivals %lld/%lld due  late %lld  dropped %lld  lateness "
                "p50 %s p95 %s ms",
                static_cast<long long>(a.started), static_cast<long long>(a.due),
                static_cast<long long>(a.late), static_cast<long long>(a.dropped),
                ms(a.lateness_p50_ms).c_str(), ms(a.lateness_p95_ms).c_str());
  return buf;
}

void progress_reporter::update(const storage::session_counts& c, run_counters& rc,
                               storage::campaign_status status, bool stopping) {
  const auto l = line(c, rc, status, stopping);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", l.c_str());
    std::fflush(stderr);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_log_ < std::chrono::seconds(5)) return;
  last_log_ = now;
  spdlog::info("progress {}", l);
}

void progress_reporter::finish(const storage::session_counts& c, run_counters& rc,
                               storage::campaign_status status, bool stopping) {
  const auto l = line(c, rc, status, stopping);
  if (tty_)
    std::fprintf(stderr, "\r\033[K%s\n", l.c_str());
  else
    spdlog::info("progress {}", l);
}

}  // namespace footfall::engine
