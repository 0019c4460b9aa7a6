// storage::close_on_signal: flush the writer on SIGTERM / SIGINT, then exit.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <spdlog/spdlog.h>

#include "storage/writer.hpp"

namespace footfall::storage {

namespace {
// Self-pipe: the handler only write()s the signal number (async-signal-safe), whichever thread
// the kernel delivers it to; a waiter thread does the real work.
int signal_pipe[2] = {-1, -1};
extern "C" void on_stop_signal(int sig) {
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] auto n = ::write(signal_pipe[1], &b, 1);
}
}  // namespace

void close_on_signal(writer& w) {
  if (signal_pipe[0] < 0 && ::pipe2(signal_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("close_on_signal: pipe failed");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  // Detached on purpose: it lives until the signal ends the process.
  std::thread([&w] {
    unsigned char sig = 0;
    while (::read(signal_pipe[0], &sig, 1) < 0 && errno == EINTR) {
    }
    spdlog::info("storage writer: signal {}: flushing before exit", int(sig));
    w.close();
    std::_Exit(128 + sig);
  }).detach();
}

}  // namespace footfall::storage
