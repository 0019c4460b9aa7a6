// cdp/vitals: web-vitals' definitions, from hand-made entries and from PerformanceTimeline events
// Chromium really sent (test/cdp/data/timeline_events.json, recorded with
// PerformanceTimeline.enable while Chromium loaded health/failures.html, then health/cls.html,
// whose banner shifts the page at ~500 ms).
#include <doctest/doctest.h>

#include <algorithm>

#include <fstream>

#include "cdp/vitals.hpp"

using namespace footfall::cdp;

TEST_CASE("vitals: CLS is the largest session window (1 s gap, 5 s cap), input shifts left out") {
  CHECK(cumulative_layout_shift({}) == 0);
  // Two windows: 0.1 + 0.05 (gap < 1 s), then 0.12 alone (1.5 s later).
  CHECK(cumulative_layout_shift({{100, 0.1}, {900, 0.05}, {2400, 0.12}}) ==
        doctest::Approx(0.15));
  // A window closes at 5 s even with small gaps: 6 shifts 900 ms apart.
  std::vector<layout_shift_entry> steady;
  for (int i = 0; i < 7; ++i) steady.push_back({900.0 * i, 0.01});
  CHECK(cumulative_layout_shift(steady) == doctest::Approx(0.06));
  // A shift right after input does not count, and does not join windows.
  CHECK(cumulative_layout_shift({{100, 0.3, true}, {200, 0.02}}) == doctest::Approx(0.02));
}

TEST_CASE("vitals: INP from interactions only, the worst dropping one per 50") {
  CHECK_FALSE(interaction_to_next_paint({}));
  // Hover entries (interactionId 0) are not interactions.
  CHECK_FALSE(interaction_to_next_paint({{0, 400}, {0, 300}}));
  // An interaction's latency is its longest entry (pointerdown, pointerup, click ...).
  CHECK(*interaction_to_next_paint({{7, 24}, {7, 184}, {8, 40}, {0, 600}}) == 184);
  // 120 interactions: the 3rd worst (floor(120 / 50) = 2).
  std::vector<interaction_entry> many;
  for (int i = 1; i <= 120; ++i) many.push_back({i, double(i)});
  CHECK(*interaction_to_next_paint(many) == 118);
  // With performance.interactionCount larger than what was observed.
  CHECK(*interaction_to_next_paint({{1, 300}, {2, 200}}, 100) == 200);
}

TEST_CASE("vitals: the page's ten longest interactions and their count give the INP of all") {
  // The page script sends only its ten longest interactions and how many it saw (a typing
  // visit has dozens); INP and the interaction count must equal those of the full list.
  for (const int n : {3, 10, 49, 50, 120, 499, 600}) {
    CAPTURE(n);
    std::vector<interaction_entry> all;
    for (int i = 1; i <= n; ++i) all.push_back({i, double((i * 37) % 211 + i % 7)});
    page_timing_report full, top;
    full.interactions = all;
    top.interactions = all;
    std::sort(top.interactions.begin(), top.interactions.end(),
              [](const auto& a, const auto& b) { return a.duration_ms > b.duration_ms; });
    if (top.interactions.size() > 10) top.interactions.resize(10);
    top.distinct_interactions = n;
    const vitals_tracker t;
    const auto a = t.compute(full), b = t.compute(top);
    REQUIRE(a.inp_ms);
    REQUIRE(b.inp_ms);
    CHECK(*a.inp_ms == *b.inp_ms);
    CHECK(a.interactions == n);
    CHECK(b.interactions == n);
  }
}

TEST_CASE("vitals: recorded timeline events of the main frame, earlier documents left out") {
  std::ifstream in(std::string(FOOTFALL_SOURCE_DIR) + "/test/cdp/data/timeline_events.json");
  REQUIRE(in.good());
  const auto events = json::parse(in);
  REQUIRE(events.size() == 3);
  const auto frame = events[0]["params"]["event"]["frameId"].get<std::string>();
  vitals_tracker t(frame);
  vitals_tracker other("another-frame");
  vitals_tracker text(frame);  // fed the params' text, as page health feeds it
  for (const auto& e : events) {
    t.on_timeline_event(e["params"]);
    other.on_timeline_event(e["params"]);
    text.on_timeline_event_text(e["params"].dump());
  }
  CHECK(text.lcp_candidates() == 2);
  CHECK(text.layout_shifts() == 1);
  CHECK(t.lcp_candidates() == 2);
  CHECK(t.layout_shifts() == 1);
  CHECK(other.lcp_candidates() == 0);
  // cls.html's time origin: between failures.html's paint and cls.html's. (The recording has
  // no performance.timeOrigin; this one is chosen 40.3 ms before cls.html's LCP candidate.)
  const double lcp_epoch_ms = events[1]["params"]["event"]["time"].get<double>() * 1000;
  page_timing_report r;
  r.time_origin_ms = lcp_epoch_ms - 40.3;
  r.fcp_ms = 40.3;
  const auto v = t.compute(r);
  const auto from_text = text.compute(r);
  CHECK(from_text.lcp_ms == v.lcp_ms);
  CHECK(from_text.cls == v.cls);
  REQUIRE(v.lcp_ms);
  CHECK(*v.lcp_ms == doctest::Approx(40.3).epsilon(0.001));
  REQUIRE(v.cls);
  CHECK(*v.cls == doctest::Approx(0.1953125));
  CHECK_FALSE(v.inp_ms);
  // No FCP: no CLS (web-vitals reports CLS only once the page painted).
  r.fcp_ms.reset();
  CHECK_FALSE(t.compute(r).cls);
  t.reset();
  CHECK(t.lcp_candidates() == 0);
}

TEST_CASE("vitals: timeline events from their text: input shifts, other frames, text parsed whole") {
  vitals_tracker t("F");
  const auto shift = [](const char* frame, double time, double value, bool input) {
    return std::string(R"({"event":{"frameId":")") + frame +
           R"(","type":"layout-shift","name":"","time":)" + std::to_string(time) +
           R"(,"layoutShiftDetails":{"value":)" + std::to_string(value) +
           R"(,"hadRecentInput":)" + (input ? "true" : "false") +
           R"(,"sources":[{"nodeId":4,"previousRect":{"x":0,"y":0,"width":10,"height":10}}]}}})";
  };
  t.on_timeline_event_text(shift("F", 100.0, 0.25, true));    // after input: not counted
  t.on_timeline_event_text(shift("F", 100.5, 0.125, false));
  t.on_timeline_event_text(shift("G", 100.6, 0.5, false));    // an iframe's
  // An escaped member name: object_view will not read it, the whole parse does.
  t.on_timeline_event_text(R"({"event":{"frameId":"F","type":"largest-contentful-paint",)"
                           R"("\u0074ime":100.25}})");
  CHECK(t.layout_shifts() == 2);
  CHECK(t.lcp_candidates() == 1);
  page_timing_report r;
  r.time_origin_ms = 99'000;
  r.fcp_ms = 50;
  const auto v = t.compute(r);
  REQUIRE(v.cls);
  CHECK(*v.cls == doctest::Approx(0.125));
  REQUIRE(v.lcp_ms);
  CHECK(*v.lcp_ms == doctest::Approx(1250));
}
