// engine::size_pool: the pool defaults `footfall run` derives from the machine (issue 12 item 4).
#include <doctest/doctest.h>

#include "engine/browsers/browser_pool.hpp"

using footfall::engine::machine_resources;
using footfall::engine::size_pool;
using footfall::engine::visitor_costs;

namespace {

visitor_costs costs() {
  visitor_costs c;
  c.cpu_s_per_visitor_minute = 6;  // 10 visitors per core at full use, 5 with the headroom
  c.cpu_headroom = 0.5;
  c.mib_per_visitor = 100;
  c.mib_per_browser = 300;
  c.memory_headroom = 0.5;
  c.max_contexts_per_browser = 8;
  return c;
}

}  // namespace

TEST_CASE("engine/pool_sizing: cores bind when memory is plentiful") {
  const auto p = size_pool(machine_resources{2, 64 * 1024}, costs());
  // 2 cores × 60 s × 0.5 / 6 = 10 visitors, on ceil(10 / 8) = 2 browsers of 5.
  CHECK(p.browsers == 2);
  CHECK(p.contexts_per_browser == 5);
}

TEST_CASE("engine/pool_sizing: memory binds when it is short") {
  // Budget 0.5 × 2000 = 1000 MiB: one browser (300) + 7 visitors (700).
  const auto p = size_pool(machine_resources{16, 2000}, costs());
  CHECK(p.browsers == 1);
  CHECK(p.contexts_per_browser == 7);
}

TEST_CASE("engine/pool_sizing: contexts spread over the fewest browsers within the cap") {
  const auto p = size_pool(machine_resources{16, 1024 * 1024}, costs());
  // 16 × 60 × 0.5 / 6 = 80 visitors: 10 browsers of 8.
  CHECK(p.browsers == 10);
  CHECK(p.contexts_per_browser == 8);
  CHECK(p.browsers * p.contexts_per_browser >= 80);
}

TEST_CASE("engine/pool_sizing: never below one visitor, and grows with the machine") {
  const auto none = size_pool(machine_resources{1, 0}, costs());
  CHECK(none.browsers == 1);
  CHECK(none.contexts_per_browser == 1);
  int last = 0;
  for (unsigned cores = 1; cores <= 32; cores *= 2) {
    const auto p = size_pool(machine_resources{cores, 1024 * 1024}, costs());
    CHECK(p.browsers * p.contexts_per_browser >= last);
    CHECK(p.contexts_per_browser <= costs().max_contexts_per_browser);
    last = p.browsers * p.contexts_per_browser;
  }
}
