// Ctrl-C / SIGTERM for the one-browser commands (engine/cli/interrupt_guard.hpp), through a real
// footfall and a real Chromium: the command ends promptly with exit 3 and takes its browser with it.
#include <doctest/doctest.h>
#include <signal.h>

#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "engine/engine_fixture.hpp"
#include "support/http_server.hpp"

using namespace footfall;
using namespace std::chrono_literals;

namespace {

/// The pids whose parent is `parent` (from /proc/*/stat).
std::vector<int> children_of(int parent) {
  std::vector<int> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

/// Whether `pid` is still a running (not zombie) process.
bool running(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("interrupt: SIGTERM ends footfall visit on a page that never answers: exit 3, no browser left") {
  test::http_server site;
  site.delay("/never.html", 120s);  // without the signal the visit would wait its 30 s timeout
  auto p = test::spawn({FOOTFALL_BINARY, "visit", site.url("/never.html")});
  std::this_thread::sleep_for(3s);  // the browser started and the navigation is under way
  const auto browser = children_of(p.pid);  // the browser (and its helpers, reparented to footfall)
  REQUIRE_FALSE(browser.empty());
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(p.pid, SIGTERM);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 150 && !exited; ++i) {
    std::this_thread::sleep_for(100ms);
    exited = ::waitpid(p.pid, &status, WNOHANG) == p.pid;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(exited);  // within 15 s, where the navigation alone would have waited 30
  CHECK(secs < 10);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  // No browser process footfall started outlives it (a moment for the kernel to reap them).
  std::this_thread::sleep_for(500ms);
  for (const int pid : browser) {
    CAPTURE(pid);
    CHECK_FALSE(running(pid));
  }
  std::ifstream err(p.err_path);
  const std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(p.err_path).parent_path(), ec);
  CAPTURE(text.substr(0, 2000));
  CHECK(text.find("visit interrupted signal=15") != std::string::npos);
  CHECK(text.find("interrupted by signal") != std::string::npos);
}
