#pragma once
// Runs a program for a test: own process group (so Chromium's helpers die with it), stdout and
// stderr captured, a deadline after which the whole group is killed. RAII temp directories.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace footfall::test {


inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct run_result {
  int exit_code = -1;  ///< -1: killed at the deadline
  std::string out, err;
};

/// Runs argv with extra environment variables; kills the process group after `timeout`.
inline run_result run(const std::vector<std::string>& argv,
                      std::chrono::seconds timeout = std::chrono::seconds(60),
                      const std::map<std::string, std::string>& env = {}) {
  temp_dir io;
  const auto out_path = io.path() / "out", err_path = io.path() / "err";
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    const int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent: no race with the child's own call
  run_result r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);  // helpers (Chromium's zygote, crashpad) that outlived the main process
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

/// Runs `argv --database-url URL` (a footfall command against a test's database) as run() does.
inline run_result run_with_database(const std::string& url, std::vector<std::string> argv,
                                    std::chrono::seconds timeout,
                                    const std::map<std::string, std::string>& env = {}) {
  argv.push_back("--database-url");
  argv.push_back(url);
  return run(argv, timeout, env);
}

/// run_with_database() for the tests of compare's statistics on real runs. The suites run in
/// parallel on small machines: with footfall's default saturation limits the busy CPU would flag
/// most loads and compare would rightly call the pair inconclusive, so only a grossly late event
/// loop flags a visit here (saturation itself is tested in test/engine/saturation_test.cpp and
/// compare_test.cpp). Logs at warn.
inline run_result run_unsaturated(const std::string& url, std::vector<std::string> argv,
                                  std::chrono::seconds timeout) {
  return run_with_database(url, std::move(argv), timeout,
                           {{"FOOTFALL_LOG_LEVEL", "warn"},
                            {"FOOTFALL_SATURATION_CPU", "1.01"},
                            {"FOOTFALL_SATURATION_LAG_MS", "2000"}});
}

}  // namespace footfall::test
