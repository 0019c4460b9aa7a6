// fixture_server: the test HTTP server (test/support/http_server) as a program, for benchmarks
// and manual runs against a site with a known slowdown.
//
// usage: fixture_server [--root DIR] [--delay PATH=MS]...
// Prints its base URL (http://127.0.0.1:PORT) on stdout, then serves until SIGINT/SIGTERM.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "support/http_server.hpp"

int main(int argc, char** argv) {
  std::filesystem::path root = footfall::test::http_server::default_root();
  std::vector<std::pair<std::string, int>> delays;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--root" && has_value) {
      root = argv[++i];
    } else if (a == "--delay" && has_value) {
      const std::string v = argv[++i];
      const auto eq = v.find('=');
      int ms = -1;
      try {
        if (eq != std::string::npos && !v.empty() && v[0] == '/') ms = std::stoi(v.substr(eq + 1));
      } catch (const std::exception&) {
      }
      if (ms < 0) {
        std::cerr << "fixture_server: --delay: expected /PATH=MS (MS >= 0), got '" << v << "'\n";
        return 2;
      }
      delays.emplace_back(v.substr(0, eq), ms);
    } else {
      std::cerr << "usage: fixture_server [--root DIR] [--delay /PATH=MS]...\n";
      return a == "--help" ? 0 : 2;
    }
  }
  // Block the stop signals before the server's thread starts so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  footfall::test::http_server server(root);
  for (const auto& [path, ms] : delays) server.delay(path, std::chrono::milliseconds(ms));
  std::cout << server.url("") << std::endl;
  int sig = 0;
  sigwait(&stop, &sig);
  return 0;
}
