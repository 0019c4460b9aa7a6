#pragma once
/// Starting and stopping Chromium processes (RAII).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cdp/browser_choice.hpp"

namespace footfall::cdp {

/// How to start a browser.
struct launch_options {
  std::string executable = "/usr/bin/chromium";  ///< Debian's wrapper script execs the binary.
  /// Which build `executable` is: the flags differ (the shell is always old-headless and takes no
  /// --headless; it cannot be headed). resolve_executable() picks `executable` for it.
  browser_kind browser = browser_kind::chromium;
  bool headed = false;                           ///< Visible window; needs DISPLAY (Xvfb in CI).
  std::vector<std::string> extra_args;           ///< Appended after footfall's own flags.
  std::chrono::milliseconds startup_timeout{30000};  ///< Until DevToolsActivePort appears.
  /// Chromium gets SIGKILL when footfall dies, even by abort() or SIGKILL (PR_SET_PDEATHSIG).
  /// Linux ties this to the launching *thread*: launch from a thread that lives as long as
  /// the browser (the main thread, an io thread, a thread_pool), or turn it off.
  bool die_with_parent = true;
};

/// Where a browser's DevTools WebSocket listens.
struct devtools_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path;  ///< "/devtools/browser/<uuid>"
};

/// One Chromium process in its own process group with a fresh temporary --user-data-dir.
/// The constructor returns once DevToolsActivePort exists (so the endpoint is known without
/// Chromium's HTTP endpoint) or throws launch_error (with the tail of Chromium's output).
/// The destructor asks Chromium to exit (SIGTERM: it then reaps its own helpers), SIGKILLs the
/// group if it lingers, reaps the process and removes the profile directory.
class browser_process {
 public:
  explicit browser_process(launch_options options = {});
  ~browser_process();
  browser_process(const browser_process&) = delete;
  browser_process& operator=(const browser_process&) = delete;

  /// Pid of the browser process; also its process-group id.
  pid_t pid() const { return pid_; }
  /// The DevTools WebSocket endpoint read from DevToolsActivePort.
  const devtools_endpoint& endpoint() const { return endpoint_; }
  /// The temporary profile directory (removed on destruction).
  const std::filesystem::path& user_data_dir() const { return user_data_dir_; }
  /// True while the browser process has not exited.
  bool running();
  /// Stops the browser now (graceful, then SIGKILL after `grace`); idempotent.
  void terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
  /// SIGKILLs the whole process group at once (what a crash looks like); reaps the browser.
  void kill_now();
  /// Last lines Chromium wrote to stdout/stderr (for error messages).
  std::string output_tail() const;

 private:
  void spawn(const launch_options& o);
  void wait_for_endpoint(std::chrono::milliseconds timeout);
  void reap(std::chrono::milliseconds wait);
  void sweep_group();
  void remove_profile() noexcept;

  pid_t pid_ = -1;
  bool reaped_ = false;
  std::filesystem::path root_;  // temp dir holding the profile and Chromium's output
  std::filesystem::path user_data_dir_;
  std::filesystem::path log_path_;
  devtools_endpoint endpoint_;
};

/// The flags footfall always passes (headless, no sandbox, no background networking...).
std::vector<std::string> chromium_args(const launch_options& options,
                                       const std::filesystem::path& user_data_dir);

/// SIGKILLs the process group of every live browser_process. Async-signal-safe: call it from
/// a SIGINT/SIGTERM handler so no Chromium outlives footfall; the sockets then close, pending
/// commands fail with connection_closed and the normal unwinding reaps and cleans up.
void kill_all_browsers_from_signal() noexcept;

/// Pids (process groups) of the live browser_process objects of this process.
std::vector<pid_t> live_browser_pids();

/// Pids of every process (zombies too) whose process group is `pgid`, from /proc.
std::vector<pid_t> process_group_members(pid_t pgid);

/// Makes this process the reaper of orphaned descendants (prctl PR_SET_CHILD_SUBREAPER), so
/// Chromium helpers orphaned by a crash or SIGKILL are reaped by browser_process instead of
/// becoming zombies under a container's pid 1 that never reaps. Opt-in: it also adopts other
/// daemons footfall starts (e.g. a postgres started through pg_ctl).
bool become_child_subreaper() noexcept;

}  // namespace footfall::cdp
