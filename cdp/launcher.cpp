// Chromium processes: spawn in their own process group, find the DevTools port, stop and reap.
#include "cdp/launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "cdp/errors.hpp"

namespace footfall::cdp {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Live browser process groups, readable from a signal handler (lock-free slots).
constexpr std::size_t max_browsers = 256;
std::array<std::atomic<pid_t>, max_browsers> live_groups{};

void register_group(pid_t pid) {
  for (auto& slot : live_groups) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
  spdlog::warn("more than {} live browsers: pid {} not covered by signal cleanup", max_browsers,
               pid);
}

void unregister_group(pid_t pid) {
  for (auto& slot : live_groups) {
    pid_t p = pid;
    if (slot.compare_exchange_strong(p, 0)) return;
  }
}

// Pids of processes whose process group is `pgid` (zombies included).
std::vector<pid_t> group_members(pid_t pgid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const auto name = e.path().filename().string();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    std::ifstream f(e.path() / "stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    auto rp = line.rfind(')');
    if (rp == std::string::npos) continue;
    std::istringstream rest(line.substr(rp + 2));
    char state;
    pid_t ppid, pgrp;
    if (rest >> state >> ppid >> pgrp && pgrp == pgid) out.push_back(std::stoi(name));
  }
  return out;
}

bool read_active_port(const fs::path& file, devtools_endpoint& ep) {
  std::ifstream f(file);
  std::string port, path;
  if (!std::getline(f, port) || !std::getline(f, path)) return false;
  if (path.rfind("/devtools/browser/", 0) != 0 || port.empty()) return false;
  ep.port = static_cast<std::uint16_t>(std::stoi(port));
  ep.path = path;
  return true;
}

}  // namespace

std::vector<std::string> chromium_args(const launch_options& o, const fs::path& user_data_dir) {
  std::vector<std::string> a = {
      o.executable,
      "--no-sandbox",  // tests and containers run as root
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
      "--disable-breakpad",
      "--disable-crash-reporter",  // crashpad's handler would outlive the group otherwise
      "--disable-hang-monitor",
      "--disable-popup-blocking",
      "--disable-prompt-on-repost",
      "--disable-client-side-phishing-detection",
      "--disable-features=Translate,MediaRouter,OptimizationHints,DialMediaRouteProvider",
      // Many tabs per browser: hidden ones must not be throttled or their timers stall.
      "--disable-background-timer-throttling",
      "--disable-backgrounding-occluded-windows",
      "--disable-renderer-backgrounding",
      "--disable-ipc-flooding-protection",
      "--metrics-recording-only",
      "--password-store=basic",
      "--use-mock-keychain",
      "--mute-audio",
      "--remote-debugging-port=0",
      "--user-data-dir=" + user_data_dir.string(),
  };
  // The full browser is headless only when told (new headless, the same browser as headed); the
  // shell is the old-headless embedder and nothing else, so it gets no --headless at all.
  if (!o.headed && o.browser == browser_kind::chromium) a.push_back("--headless=new");
  // The shell keeps cross-site frames in their page's process unless told: footfall reaches them
  // as out-of-process targets (their own session, the identity applied while paused), as in
  // full Chromium, whose site isolation is on by default. Without this the shell's cross-site
  // frames get no clicks (test/engine page_agent frame tests on the shell).
  if (o.browser == browser_kind::headless_shell) a.push_back("--site-per-process");
  a.insert(a.end(), o.extra_args.begin(), o.extra_args.end());
  a.push_back("about:blank");
  return a;
}

browser_process::browser_process(launch_options o) {
  std::string tmpl = (fs::temp_directory_path() / "footfall-chromium-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw launch_error("mkdtemp: " + std::string(strerror(errno)));
  root_ = tmpl;
  user_data_dir_ = root_ / "profile";
  log_path_ = root_ / "chromium.log";
  try {
    fs::create_directory(user_data_dir_);
    spawn(o);
    wait_for_endpoint(o.startup_timeout);
  } catch (...) {
    terminate(500ms);
    remove_profile();
    throw;
  }
  spdlog::debug("chromium started pid={} port={} profile={}", pid_, endpoint_.port,
                user_data_dir_.string());
}

void browser_process::spawn(const launch_options& o) {
  auto args = chromium_args(o, user_data_dir_);
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string log = log_path_.string();
  const pid_t parent = getpid();
  if (o.headed && o.browser == browser_kind::headless_shell)
    throw launch_error("the headless shell cannot run headed (it has no window)");
  if (access(o.executable.c_str(), X_OK) != 0)
    throw launch_error(o.executable + ": not an executable file (" + strerror(errno) + ")");

  // fork + exec rather than posix_spawn: the child must also ask to die with footfall
  // (PR_SET_PDEATHSIG), so even an abort() or SIGKILL of footfall leaves no Chromium behind.
  // Only async-signal-safe calls between fork and exec (footfall is multi-threaded).
  const pid_t pid = fork();
  if (pid < 0) throw launch_error(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    // Own process group: Ctrl-C reaches footfall only (which cleans up), and the whole tree
    // can be signalled at once.
    setpgid(0, 0);
    if (o.die_with_parent) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(126);  // footfall died before the prctl
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGCHLD}) signal(sig, SIG_DFL);
    int in = open("/dev/null", O_RDONLY);
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in >= 0) dup2(in, 0);
    if (out >= 0) {
      dup2(out, 1);
      dup2(out, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Also set from here: no window in which a signal to the group would miss the child.
  setpgid(pid, pid);
  pid_ = pid;
  register_group(pid_);
}

void browser_process::wait_for_endpoint(std::chrono::milliseconds timeout) {
  // Chromium writes the port it bound into the profile; no need for its HTTP endpoint.
  const auto file = user_data_dir_ / "DevToolsActivePort";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (read_active_port(file, endpoint_)) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      unregister_group(pid_);
      throw launch_error("chromium exited during start-up (" +
                         std::string(WIFEXITED(status)
                                         ? "status " + std::to_string(WEXITSTATUS(status))
                                         : "signal " + std::to_string(WTERMSIG(status))) +
                         "): " + output_tail());
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw launch_error("no DevToolsActivePort after " + std::to_string(timeout.count()) +
                         " ms: " + output_tail());
    std::this_thread::sleep_for(10ms);
  }
}

browser_process::~browser_process() {
  terminate();
  remove_profile();
}

bool browser_process::running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    unregister_group(pid_);
  }
  return !reaped_;
}

void browser_process::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  if (!reaped_) {
    // SIGTERM lets Chromium shut down its renderers and zygote and reap them itself; a SIGKILL of
    // the group would orphan them (and a container's pid 1 may never reap them).
    ::kill(pid_, SIGTERM);
    reap(grace);
  }
  sweep_group();
  unregister_group(pid_);
}

void browser_process::kill_now() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);
  if (!reaped_) reap(2000ms);
}

void browser_process::reap(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int status = 0;
  while (!reaped_) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      reaped_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      reaped_ = true;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
}

void browser_process::sweep_group() {
  // Helpers that outlived the browser (it was killed, not stopped): kill them and, when footfall
  // is their subreaper, reap them. Done when nothing of the group runs and no zombie of ours is
  // left; zombies another process must reap are not waited for. Bounded: never hangs.
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  const pid_t self = getpid();
  for (;;) {
    ::kill(-pid_, SIGKILL);
    while (waitpid(-pid_, nullptr, WNOHANG) > 0) {
    }
    bool pending = false;
    for (pid_t p : group_members(pid_)) {
      std::ifstream f("/proc/" + std::to_string(p) + "/stat");
      std::string line;
      std::getline(f, line);
      auto rp = line.rfind(')');
      if (rp == std::string::npos || rp + 2 >= line.size()) continue;
      std::istringstream rest(line.substr(rp + 2));
      char state = 0;
      pid_t ppid = 0;
      rest >> state >> ppid;
      if (state != 'Z' || ppid == self) pending = true;
    }
    if (!pending || std::chrono::steady_clock::now() > deadline) return;
    std::this_thread::sleep_for(2ms);
  }
}

std::string browser_process::output_tail() const {
  std::ifstream f(log_path_);
  std::string all((std::istreambuf_iterator<char>(f)), {});
  if (all.size() > 1500) all = all.substr(all.size() - 1500);
  for (auto& c : all)
    if (c == '\n') c = ' ';
  return all;
}

void browser_process::remove_profile() noexcept {
  std::error_code ec;
  if (!root_.empty()) fs::remove_all(root_, ec);
}

void kill_all_browsers_from_signal() noexcept {
  for (auto& slot : live_groups) {
    pid_t p = slot.load();
    if (p > 0) ::kill(-p, SIGKILL);
  }
}

std::vector<pid_t> live_browser_pids() {
  std::vector<pid_t> out;
  for (auto& slot : live_groups)
    if (pid_t p = slot.load(); p > 0) out.push_back(p);
  return out;
}

std::vector<pid_t> process_group_members(pid_t pgid) { return group_members(pgid); }

bool become_child_subreaper() noexcept { return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

}  // namespace footfall::cdp
