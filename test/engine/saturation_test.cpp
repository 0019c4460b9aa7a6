// The saturation log (sans-io) and the sampler on a real io_context whose thread is blocked.
#include <doctest/doctest.h>

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/observe/saturation.hpp"

using namespace footfall::engine;
using clk = std::chrono::system_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("saturation: a navigation is judged by its own window, CPU time-weighted, worst lag") {
  saturation_log log({0.95, 100});
  const auto t0 = clk::time_point{} + seconds(1000);
  log.add(t0, t0 + seconds(1), 0.50, 5);                // calm
  log.add(t0 + seconds(1), t0 + seconds(2), 0.99, 5);   // machine CPU busy
  log.add(t0 + seconds(2), t0 + seconds(3), 0.40, 20);  // calm
  log.add(t0 + seconds(3), t0 + seconds(4), 0.40, 450); // the event loop was late
  CHECK_FALSE(log.saturated(t0 + milliseconds(100), t0 + milliseconds(900)));
  // Inside the busy second: saturated. Spanning calm and busy halves: the weighted share counts.
  CHECK(log.saturated(t0 + milliseconds(1100), t0 + milliseconds(1900)));
  const auto half = log.assess(t0 + milliseconds(900), t0 + milliseconds(1100));
  CHECK(half.cpu_busy == doctest::Approx((0.50 + 0.99) / 2));
  CHECK(half.covered_ms == doctest::Approx(200));
  CHECK_FALSE(half.saturated);
  // Mostly busy: 100 ms calm, 900 ms busy -> 0.941, still under 0.95; 50/950 -> 0.9655, over.
  CHECK_FALSE(log.saturated(t0 + milliseconds(900), t0 + milliseconds(1900)));
  CHECK(log.saturated(t0 + milliseconds(950), t0 + milliseconds(1950)));
  // The old rule flagged a navigation for a busy interval it merely touched; this one does not.
  CHECK_FALSE(log.saturated(t0 + milliseconds(1990), t0 + milliseconds(2900)));
  // Lag is the worst in the window, however short the overlap.
  CHECK(log.saturated(t0 + milliseconds(3500), t0 + milliseconds(3600)));
  CHECK(log.saturated(t0 + milliseconds(2500), t0 + milliseconds(3010)));
  CHECK(log.assess(t0 + milliseconds(2500), t0 + milliseconds(3010)).max_lag_ms ==
        doctest::Approx(450));
  CHECK_FALSE(log.saturated(t0 + seconds(10), t0 + seconds(11)));  // nothing known: not flagged
  CHECK(log.assess(t0 + seconds(10), t0 + seconds(11)).covered_ms == 0);
  const auto s = log.summarize();
  CHECK(s.intervals == 4);
  CHECK(s.saturated_intervals == 2);
  CHECK(s.seconds == doctest::Approx(4));
  CHECK(s.saturated_seconds == doctest::Approx(2));
  CHECK(s.lag_max_ms == doctest::Approx(450));
}

TEST_CASE("saturation: limits come from the environment, bad values keep the defaults") {
  setenv("FOOTFALL_SATURATION_CPU", "0.5", 1);
  setenv("FOOTFALL_SATURATION_LAG_MS", "oops", 1);
  const auto l = saturation_limits::from_env();
  CHECK(l.cpu_busy == doctest::Approx(0.5));
  CHECK(l.lag_ms == doctest::Approx(100));
  unsetenv("FOOTFALL_SATURATION_CPU");
  unsetenv("FOOTFALL_SATURATION_LAG_MS");
}

TEST_CASE("saturation: the sampler sees its own event loop blocked") {
  boost::asio::io_context io;
  // CPU never counts here (limit above 1): only the measured lag can saturate an interval.
  auto log = std::make_shared<saturation_log>(saturation_limits{2.0, 100});
  auto stop = std::make_shared<std::atomic<bool>>(false);
  boost::asio::co_spawn(io, watch_saturation(log, stop), [](std::exception_ptr) {});
  // Block the io thread for 400 ms after half a second, as a blocking call would.
  boost::asio::steady_timer block(io, milliseconds(500));
  block.async_wait([](auto) { std::this_thread::sleep_for(milliseconds(400)); });
  boost::asio::steady_timer end(io, milliseconds(3500));
  end.async_wait([&](auto) { *stop = true; });
  io.run();
  const auto s = log->summarize();
  REQUIRE(s.intervals >= 8);  // ~250 ms each: 50 ms ticks, five to an interval
  CHECK(s.saturated_intervals >= 1);
  CHECK(s.lag_max_ms >= 250);
}
