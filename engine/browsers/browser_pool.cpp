#include "engine/browsers/browser_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "cdp/process_stats.hpp"
#include "engine/browsers/offload.hpp"
#include "engine/observe/run_events.hpp"

namespace footfall::engine {

namespace asio = boost::asio;

struct browser_pool::slot {
  enum class state { empty, launching, alive, dead } st = state::empty;
  std::shared_ptr<cdp::browser_process> proc;
  std::shared_ptr<cdp::browser> browser;
  int active = 0;
  int generation = 0;
};

pool_options size_pool(const machine_resources& m, const visitor_costs& c) {
  const double cpu_fit = std::max(1u, m.cores) * 60.0 * c.cpu_headroom /
                         std::max(0.01, c.cpu_s_per_visitor_minute);
  int visitors = std::max(1, static_cast<int>(cpu_fit));
  // Memory: each browser's own share plus each visitor's, within the headroom.
  const double budget = m.available_mib * c.memory_headroom;
  while (visitors > 1) {
    const int browsers = (visitors + c.max_contexts_per_browser - 1) / c.max_contexts_per_browser;
    if (browsers * c.mib_per_browser + visitors * c.mib_per_visitor <= budget) break;
    --visitors;
  }
  pool_options o;
  o.browsers = (visitors + c.max_contexts_per_browser - 1) / c.max_contexts_per_browser;
  o.contexts_per_browser = (visitors + o.browsers - 1) / o.browsers;
  return o;
}

visitor_costs visitor_costs_for(cdp::browser_kind k) {
  visitor_costs c;
  if (k == cdp::browser_kind::headless_shell) {
    // bench/capacity, footfall, quiet, 2026-12-07, the four rows back to back, two runs (README
    // "Browser choice"): 2.6–3.6 CPU s per visitor-minute at 1–32 visitors, 3.1–3.4 at 6–24
    // (3.4 kept, 0.52x chromium's 6.5); 245 MiB PSS for one visitor and 881 for 24: ~28 MiB per
    // visitor (30 kept) beyond a browser of ~185 MiB (about half of chromium's, as every run
    // has measured).
    c.cpu_s_per_visitor_minute = 3.4;
    c.mib_per_visitor = 30;
    c.mib_per_browser = 185;
  }
  return c;
}

machine_resources this_machine() {
  machine_resources m;
  m.cores = std::max(1u, std::thread::hardware_concurrency());
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  const double total_mib =
      static_cast<double>(pages) * static_cast<double>(page_size) / (1024.0 * 1024.0);
  m.available_mib = std::max(0.0, total_mib - cdp::read_machine_usage().used_mib);
  return m;
}

pool_options default_pool_options() { return size_pool(this_machine()); }

browser_pool::browser_pool(asio::any_io_executor io, asio::any_io_executor blocking, pool_options o)
    : io_(io), blocking_(blocking), opts_(std::move(o)), changed_(io) {
  opts_.browsers = std::max(1, opts_.browsers);
  opts_.contexts_per_browser = std::max(1, opts_.contexts_per_browser);
  for (int i = 0; i < opts_.browsers; ++i) slots_.push_back(std::make_shared<slot>());
  changed_.expires_at(asio::steady_timer::time_point::max());
}

browser_pool::~browser_pool() = default;  // browser_process destructors stop what is left

void browser_pool::notify() { changed_.cancel(); }

asio::awaitable<browser_lease> browser_pool::acquire() {
  for (;;) {
    if (closed_) throw cdp::launch_error("browser pool is shut down");
    int best = -1;
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
      const auto& s = *slots_[i];
      if (s.st == slot::state::alive && s.active < opts_.contexts_per_browser &&
          (best < 0 || s.active < slots_[best]->active))
        best = i;
    }
    if (best >= 0) {
      auto& s = *slots_[best];
      ++s.active;
      co_return browser_lease{s.browser, best, s.generation};
    }
    bool progressed = false;
    for (int i = 0; i < static_cast<int>(slots_.size()) && !progressed; ++i) {
      if (slots_[i]->st == slot::state::dead && slots_[i]->active == 0) {
        co_await retire(i);
        ++replacements_;
        progressed = true;
      } else if (slots_[i]->st == slot::state::empty) {
        co_await launch(i);
        progressed = true;
      }
    }
    if (progressed) continue;
    boost::system::error_code ec;
    changed_.expires_at(asio::steady_timer::time_point::max());
    co_await changed_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> browser_pool::launch(int index) {
  auto s = slots_[index];
  s->st = slot::state::launching;
  std::exception_ptr failure;
  try {
    const auto launch_opts = opts_.launch;
    // Named, not a temporary: g++ 12 mishandles lambda temporaries in co_await expressions.
    std::function<std::shared_ptr<cdp::browser_process>()> start = [launch_opts] {
      return std::make_shared<cdp::browser_process>(launch_opts);
    };
    s->proc = co_await offload<std::shared_ptr<cdp::browser_process>>(blocking_, std::move(start));
    s->browser = co_await cdp::browser::connect(s->proc->endpoint());
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    s->st = slot::state::empty;
    auto proc = std::move(s->proc);
    s->browser.reset();
    notify();
    if (proc) {
      std::function<void()> stop = [proc] { proc->terminate(); };
      co_await offload<void>(blocking_, std::move(stop));
    }
    std::rethrow_exception(failure);
  }
  ++launches_;
  ++events().browser_launches;
  ++s->generation;
  s->st = slot::state::alive;
  const int gen = s->generation;
  const int pid = s->proc->pid();
  std::weak_ptr<slot> weak = s;
  // A browser that dies (crash, OOM kill) closes its socket: mark it for replacement.
  s->browser->conn()->on_close([this, weak, gen, pid](const std::string& reason) {
    auto sl = weak.lock();
    if (closed_ || !sl || sl->generation != gen || sl->st != slot::state::alive) return;
    spdlog::warn("browser died pid={} reason=\"{}\"; it will be replaced", pid, reason);
    ++events().browser_crashes;
    sl->st = slot::state::dead;
    notify();
  });
  spdlog::debug("browser launched slot={} pid={}", index, pid);
  notify();
}

asio::awaitable<void> browser_pool::retire(int index) {
  auto s = slots_[index];
  auto proc = std::move(s->proc);
  auto br = std::move(s->browser);
  s->st = slot::state::empty;
  if (br) br->conn()->close();
  if (proc) {
    std::function<void()> stop = [proc] { proc->terminate(); };
    co_await offload<void>(blocking_, std::move(stop));
  }
  notify();
}

void browser_pool::release(const browser_lease& l, bool browser_failed) {
  if (l.slot < 0 || l.slot >= static_cast<int>(slots_.size())) return;
  auto& s = *slots_[l.slot];
  if (s.generation == l.generation) {
    s.active = std::max(0, s.active - 1);
    if (browser_failed && s.st == slot::state::alive) s.st = slot::state::dead;
  }
  notify();
}

asio::awaitable<void> browser_pool::shutdown() {
  closed_ = true;
  for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
    auto s = slots_[i];
    if (s->browser && s->browser->conn()->is_open()) {
      try {
        co_await s->browser->close();
      } catch (const std::exception&) {
        // Already going away; terminate() below makes sure.
      }
    }
    co_await retire(i);
  }
}

std::vector<int> browser_pool::pids() const {
  std::vector<int> out;
  for (const auto& s : slots_)
    if (s->proc) out.push_back(s->proc->pid());
  return out;
}

}  // namespace footfall::engine
