#include "engine/cli/interrupt_guard.hpp"

#include <csignal>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "cdp/launcher.hpp"

namespace footfall::cli {

interrupt_guard::interrupt_guard(boost::asio::io_context& io, std::string what)
    : signals_(io, SIGINT, SIGTERM), what_(std::move(what)) {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    interrupted_ = true;
    spdlog::warn("{} interrupted signal={}", what_, sig);
    cdp::kill_all_browsers_from_signal();
  });
}

void interrupt_guard::cancel() { signals_.cancel(); }

void interrupt_guard::rethrow_if_interrupted() const {
  if (interrupted_) throw std::runtime_error("interrupted by signal");
}

}  // namespace footfall::cli
