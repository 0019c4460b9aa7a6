// Browser processes: start, crash, cleanup. Each case launches its own Chromium.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "cdp/browser.hpp"
#include "cdp/io_thread.hpp"
#include "cdp/launcher.hpp"
#include "cdp/process_stats.hpp"
#include "shared_browser.hpp"

using namespace footfall::cdp;
using namespace footfall::cdp::testing;
using namespace std::chrono_literals;

namespace {

// Zombies count too: nothing of the group may be left.
bool any_alive(pid_t pgid) {
  auto left = process_group_members(pgid);
  for (pid_t p : left) {
    std::ifstream f("/proc/" + std::to_string(p) + "/stat");
    std::string line;
    std::getline(f, line);
    MESSAGE("left over: " << line);
  }
  return !left.empty();
}

}  // namespace

TEST_CASE("lifecycle: killing the browser fails pending commands within 2 s") {
  become_child_subreaper();
  io_thread io;
  browser_process proc(test_launch_options());
  auto b = io.run(browser::connect(proc.endpoint()));
  auto p = io.run(b->new_page());
  json args = {{"expression", "new Promise(() => {})"}, {"awaitPromise", true}};
  auto s = p.session();
  std::vector<std::future<json>> pending;
  for (int i = 0; i < 3; ++i) pending.push_back(io.spawn(s.send("Runtime.evaluate", args, 60s)));
  pending.push_back(io.spawn(b->browser_session().send("Runtime.evaluate", args, 60s)));
  std::this_thread::sleep_for(200ms);
  const auto t0 = std::chrono::steady_clock::now();
  proc.kill_now();
  for (auto& f : pending) {
    REQUIRE(f.wait_for(2s) == std::future_status::ready);
    try {
      f.get();
      FAIL("pending command succeeded after the browser died");
    } catch (const connection_closed& e) {
      CHECK(std::string(e.what()).find("Runtime.evaluate") != std::string::npos);
    } catch (const protocol_error&) {
      // the browser target has no Runtime domain: it may answer before it dies
    }
  }
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  // New commands fail at once instead of hanging.
  CHECK_THROWS_AS(io.run(p.evaluate("1")), connection_closed);
  CHECK_FALSE(io.run([](std::shared_ptr<browser> b) -> asio::awaitable<bool> {
    co_return b->conn()->is_open();
  }(b)));
}

TEST_CASE("lifecycle: no process of the browser's group and no profile dir is left") {
  become_child_subreaper();
  pid_t pgid = 0;
  std::filesystem::path profile;
  {
    io_thread io;
    browser_process proc(test_launch_options());
    pgid = proc.pid();
    profile = proc.user_data_dir();
    auto b = io.run(browser::connect(proc.endpoint()));
    auto p = io.run(b->new_page());
    CHECK(io.run(p.evaluate("6*7")) == 42);
    CHECK(process_group_members(pgid).size() >= 2);  // browser + helpers (zygote, renderer...)
    CHECK(std::filesystem::exists(profile));
  }
  CHECK_FALSE(any_alive(pgid));
  CHECK_FALSE(std::filesystem::exists(profile));
}

TEST_CASE("lifecycle: after a crash (SIGKILL of the group) nothing is left either") {
  become_child_subreaper();
  pid_t pgid = 0;
  {
    browser_process proc(test_launch_options());
    pgid = proc.pid();
    ::kill(-pgid, SIGKILL);
  }
  CHECK_FALSE(any_alive(pgid));
}

TEST_CASE("lifecycle: the signal hook kills every live browser") {
  become_child_subreaper();
  io_thread io;
  browser_process proc(test_launch_options());
  auto b = io.run(browser::connect(proc.endpoint()));
  CHECK(std::find(live_browser_pids().begin(), live_browser_pids().end(), proc.pid()) !=
        live_browser_pids().end());
  auto closed = std::make_shared<std::promise<std::string>>();
  io.run([](std::shared_ptr<browser> b,
            std::shared_ptr<std::promise<std::string>> pr) -> asio::awaitable<void> {
    b->conn()->on_close([pr](const std::string& why) { pr->set_value(why); });
    co_return;
  }(b, closed));
  kill_all_browsers_from_signal();
  auto fut = closed->get_future();
  REQUIRE(fut.wait_for(2s) == std::future_status::ready);
  CHECK_FALSE(fut.get().empty());
}

TEST_CASE("lifecycle: a browser that cannot start is a launch_error, not a hang") {
  launch_options o = test_launch_options();
  o.executable = "/nonexistent/chromium";
  CHECK_THROWS_AS(browser_process{o}, launch_error);
  // A "browser" that dies during start-up is reported at once, with its exit status.
  o.executable = "/bin/false";
  const auto t0 = std::chrono::steady_clock::now();
  try {
    browser_process proc{o};
    FAIL("no launch error");
  } catch (const launch_error& e) {
    CHECK(std::string(e.what()).find("exited during start-up (status 1)") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
}

namespace {
// A private X server for the headed test (Xvfb), stopped and reaped on destruction.
struct xvfb {
  explicit xvfb(int display) : display(display) {
    const std::string d = ":" + std::to_string(display);
    pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      execl("/usr/bin/Xvfb", "Xvfb", d.c_str(), "-nolisten", "tcp", "-screen", "0", "1920x1200x24",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto sock = "/tmp/.X11-unix/X" + std::to_string(display);
    for (int i = 0; i < 300 && !std::filesystem::exists(sock); ++i)
      std::this_thread::sleep_for(10ms);
    ready = std::filesystem::exists(sock);
  }
  ~xvfb() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
  int display;
  pid_t pid = -1;
  bool ready = false;
};
}  // namespace

TEST_CASE("lifecycle: --headed opens a real window under Xvfb") {
  if (!std::filesystem::exists("/usr/bin/Xvfb")) {
    MESSAGE("Xvfb not installed: headed mode not tested");
    return;
  }
  become_child_subreaper();
  xvfb x(100 + getpid() % 500);
  REQUIRE(x.ready);
  const char* old = std::getenv("DISPLAY");
  const std::string saved = old ? old : "";
  setenv("DISPLAY", (":" + std::to_string(x.display)).c_str(), 1);
  {
    io_thread io;
    launch_options o = test_launch_options();
    o.headed = true;
    browser_process proc(o);
    auto args = chromium_args(o, proc.user_data_dir());
    CHECK(std::find(args.begin(), args.end(), "--headless=new") == args.end());
    auto b = io.run(browser::connect(proc.endpoint()));
    auto p = io.run(b->new_page());
    // A headed browser has a real window with outer chrome (tabs, toolbar) around the viewport.
    auto sizes = io.run(p.evaluate("[window.outerHeight, window.innerHeight]"));
    CHECK(sizes[0].get<int>() > sizes[1].get<int>());
    io.run(b->close());
  }
  if (old)
    setenv("DISPLAY", saved.c_str(), 1);
  else
    unsetenv("DISPLAY");
}

TEST_CASE("lifecycle: a footfall that dies abruptly takes its Chromium with it") {
  become_child_subreaper();
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t child = fork();
  if (child == 0) {
    // The "footfall" process: launch, report the browser's pid, die without any cleanup.
    close(fds[0]);
    try {
      auto* leaked = new browser_process(test_launch_options());
      pid_t p = leaked->pid();
      if (write(fds[1], &p, sizeof p) != sizeof p) _exit(3);
    } catch (...) {
      _exit(2);
    }
    ::kill(getpid(), SIGKILL);
  }
  close(fds[1]);
  pid_t browser_pid = 0;
  const bool got = read(fds[0], &browser_pid, sizeof browser_pid) == sizeof browser_pid;
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(got);
  CHECK(WIFSIGNALED(status));
  // Its helpers may linger a moment after the browser; the browser itself must go at once.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::ifstream f("/proc/" + std::to_string(browser_pid) + "/stat");
    std::string line;
    gone = !std::getline(f, line) || line.find(") Z ") != std::string::npos;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  CHECK(gone);
  // Orphans were re-parented to us (subreaper): reap, then nothing of the group is left.
  for (int i = 0; i < 300 && !process_group_members(browser_pid).empty(); ++i) {
    while (waitpid(-browser_pid, nullptr, WNOHANG) > 0) {
    }
    std::this_thread::sleep_for(10ms);
  }
  CHECK(process_group_members(browser_pid).empty());
}

TEST_CASE("process_stats: a running browser's process group shows CPU time and memory") {
  auto& c = footfall::cdp::testing::chromium();
  const pid_t group = c.process.pid();
  const auto usage = footfall::cdp::process_group_usage({group, -12345});
  REQUIRE(usage.count(group) == 1);
  CHECK(usage.at(group).cpu_seconds > 0.0);
  CHECK(usage.at(group).rss_mib > 50.0);  // a browser, its GPU/network helpers and a renderer
  CHECK(usage.count(-12345) == 0);        // no such group: absent, not zero
}
