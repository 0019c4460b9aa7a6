#include "bench/capacity/playwright_step.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

namespace footfall::bench {

namespace {

/// The Node child: started in its own process group, reaped (and its group killed) on scope exit.
class node_child {
 public:
  explicit node_child(std::vector<std::string> argv) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);  // Node and nothing else in the group: its CPU and PSS are measured apart
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      execvp(a[0], a.data());
      _exit(127);
    }
    setpgid(pid_, pid_);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~node_child() {
    if (out_) std::fclose(out_);
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);  // only if the script did not finish on its own
      waitpid(pid_, nullptr, 0);
    }
  }
  node_child(const node_child&) = delete;
  node_child& operator=(const node_child&) = delete;
  pid_t pid() const { return pid_; }
  /// The next line of the script's stdout; false at its end.
  bool line(std::string& s) {
    char* buf = nullptr;
    std::size_t cap = 0;
    const ssize_t n = getline(&buf, &cap, out_);
    std::unique_ptr<char, void (*)(void*)> hold(buf, std::free);
    if (n < 0) return false;
    s.assign(buf, static_cast<std::size_t>(n));
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return true;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

double num(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
}

}  // namespace

step_result run_playwright_step(const step_plan& plan, const playwright_setup& setup) {
  step_result r;
  r.tool = "playwright";
  r.visitors = plan.visitors;
  node_child node({"node", setup.script, "--visitors", std::to_string(plan.visitors), "--warm-s",
                   std::to_string(plan.warm_s), "--hold-s", std::to_string(plan.hold_s), "--base",
                   plan.base, "--chrome", setup.chrome, "--flags",
                   nlohmann::json(setup.flags).dump(), "--seed", std::to_string(plan.seed),
                   "--node-modules", setup.node_modules});
  std::vector<pid_t> browsers;
  std::unique_ptr<peak_sampler> sampler;
  std::string s;
  while (node.line(s)) {
    if (s.rfind("READY ", 0) == 0) {
      browsers = {static_cast<pid_t>(std::stoi(s.substr(6)))};
    } else if (s == "WINDOW_START") {
      sampler = std::make_unique<peak_sampler>(usage_probe(node.pid(), browsers));
    } else if (s == "WINDOW_END" && sampler) {
      sampler->finish(r);
      sampler.reset();
    } else if (s.rfind("RESULT ", 0) == 0) {
      const auto j = nlohmann::json::parse(s.substr(7));
      r.sessions = j.value("sessions", 0);
      r.failed = j.value("failed", 0);
      r.actions = j.value("actions", 0L);
      r.lag_p50_ms = num(j, "lag_p50_ms");
      r.lag_p95_ms = num(j, "lag_p95_ms");
      r.load_p50_ms = num(j, "load_p50_ms");
      for (const auto& l : j.value("loads", nlohmann::json::array()))
        r.loads.push_back({l.at(0).get<std::string>(), l.at(1).get<double>()});
      return r;
    }
  }
  r.error = "capacity_playwright.js ended without a result";
  return r;
}

}  // namespace footfall::bench
