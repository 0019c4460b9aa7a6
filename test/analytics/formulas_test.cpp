// Each analytics formula on hand-made sessions with known answers.
#include <doctest/doctest.h>

#include "analytics/campaign_metrics.hpp"
#include "analytics/detection.hpp"
#include "analytics/session_metrics.hpp"
#include "analytics/stats.hpp"
#include "analytics/timing.hpp"
#include "test/analytics/sessions.hpp"

using namespace footfall;
using namespace footfall::analytics;
using footfall::test::add_actions;
using footfall::test::make_input;
using storage::action_type;

TEST_CASE("rhythm: constant intervals are robotic (score ~0)") {
  const std::vector<double> iv(40, 1000.0);
  const auto r = rhythm(iv);
  REQUIRE(r);
  CHECK(r->cv == doctest::Approx(0.0));
  CHECK(r->burstiness == doctest::Approx(-1.0));
  CHECK(r->local_variation == doctest::Approx(0.0));
  CHECK(r->score < 0.05);
}

TEST_CASE("rhythm: small uniform jitter around a fixed delay still looks robotic") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> d(900, 1100);
  std::vector<double> iv;
  for (int i = 0; i < 60; ++i) iv.push_back(d(rng));
  const auto r = rhythm(iv);
  REQUIRE(r);
  CHECK(r->cv < 0.1);
  CHECK(r->score < 0.3);
}

TEST_CASE("rhythm: log-normal intervals look human (score high)") {
  const auto r = rhythm(test::lognormal_intervals(80, 1200, 0.9));
  REQUIRE(r);
  CHECK(r->cv > 0.6);
  CHECK(r->burstiness > -0.25);
  CHECK(r->score > 0.8);
}

TEST_CASE("rhythm: fewer than 3 intervals cannot be judged") {
  CHECK_FALSE(rhythm({1000, 2000}));
  CHECK(rhythm({1000, 2000, 500}));
}

TEST_CASE("timing: intervals skip page_load and page_unload and variance is in seconds squared") {
  auto in = make_input(1);
  const double t0 = 1.7e12;
  in.actions = {{action_type::page_load, t0 - 500, 0, 0, 0, {}, {}},
                {action_type::scroll, t0, 0, 0, 0, {}, {}},
                {action_type::click, t0 + 1000, 0, 0, 0, 1, 1},
                {action_type::hover, t0 + 4000, 0, 0, 0, 1, 1},
                {action_type::page_unload, t0 + 4100, 0, 0, 0, {}, {}}};
  const auto iv = action_intervals_ms(in.actions);
  REQUIRE(iv.size() == 2);
  CHECK(iv[0] == 1000);
  CHECK(iv[1] == 3000);
  // intervals 1 s and 3 s: mean 2, variance ((1-2)² + (3-2)²)/2 = 1
  CHECK(*action_variance_s2(iv) == doctest::Approx(1.0));
}

TEST_CASE("pause_distribution: one pause per bucket where pause = gap minus the action duration") {
  auto in = make_input(1);
  // Each action lasts 100 ms, so a start-to-start interval of p+100 is a pause of p.
  add_actions(in, {150, 250, 400, 800, 1600, 3100, 7100, 20100}, action_type::scroll, 100);
  const auto h = pause_histogram(action_pauses_ms(in.actions));
  for (const auto* label : pause_bucket_labels()) CHECK_MESSAGE(h[label] == 1, label);
  CHECK(h.size() == 8);
}

TEST_CASE("session: dwell average and median and pages and bounce") {
  auto in = make_input(0);
  const double t = 1.7e12;
  in.visits = {{1, "http://h/a", t, t + 1000, 20, {}, 0, 0},
               {2, "http://h/b", t + 1000, t + 4000, 60, {}, 0, 0},
               {3, "http://h/c", t + 4000, t + 12000, 100, {}, 0, 0}};
  const auto r = compute_session_analytics(in);
  CHECK(r.pages_visited == 3);
  CHECK(*r.avg_page_dwell_time_ms == doctest::Approx(4000));
  CHECK(*r.median_page_dwell_time_ms == 3000);
  CHECK(r.bounce_rate == 0.0);
  CHECK(*r.scroll_engagement == doctest::Approx(0.6));
  CHECK(r.total_duration_ms == 12000);

  in.visits.push_back({4, "http://h/d", t + 12000, t + 22000, 0, {}, 0, 0});
  CHECK(*compute_session_analytics(in).median_page_dwell_time_ms == 5500);  // (3000+8000)/2

  auto one = make_input(1);
  CHECK(compute_session_analytics(one).bounce_rate == 1.0);
}

TEST_CASE("session: navigation depth counts distinct URLs and not revisits or fragments") {
  auto in = make_input(0);
  const double t = 1.7e12;
  in.visits = {{1, "http://h/a", t, t + 1, 0, {}, 0, 0},
               {2, "http://h/b", t + 1, t + 2, 0, {}, 0, 0},
               {3, "http://h/a#top", t + 2, t + 3, 0, {}, 0, 0},
               {4, "http://h/c", t + 3, t + 4, 0, {}, 0, 0}};
  const auto r = compute_session_analytics(in);
  CHECK(r.pages_visited == 4);
  CHECK(r.navigation_depth == 3);
}

TEST_CASE("session: actions per page and click-through rate") {
  auto in = make_input(3, 10000);
  const double t = 1.7e12;
  in.actions = {
      {action_type::page_load, t, 0, 0, 0, {}, {}},
      {action_type::click, t + 1000, 200, 0, 0, 5, 5},      // not last on page 0
      {action_type::click, t + 3000, 200, 0, 0, 5, 5},      // last on page 0 -> navigation
      {action_type::page_load, t + 10000, 0, 0, 1, {}, {}},
      {action_type::click, t + 11000, 200, 0, 1, 5, 5},
      {action_type::scroll, t + 12000, 300, 0, 1, {}, {}},  // last on page 1: no click-through
      {action_type::click, t + 21000, 200, 0, 2, 5, 5},     // last page: nothing follows
  };
  const auto r = compute_session_analytics(in);
  CHECK(r.total_actions == 5);  // page_load excluded
  CHECK(*r.actions_per_page == doctest::Approx(5.0 / 3));
  CHECK(*r.click_through_rate == doctest::Approx(1.0 / 4));
}

TEST_CASE("detection: a webdriver-flagged session is high risk") {
  auto in = make_input(2);
  add_actions(in, test::lognormal_intervals(30, 1500, 0.9), action_type::scroll, 200);
  const auto clean = compute_session_analytics(in);
  in.signals.webdriver = true;
  const auto flagged = compute_session_analytics(in);
  CHECK(clean.detection_risk_score < 0.2);
  CHECK(flagged.detection_risk_score >= 0.9);
  CHECK(flagged.risk_signals["navigator_webdriver"]["strength"] == 1.0);
}

TEST_CASE("detection: the headless shell's embedder tells raise the environment part only") {
  auto in = make_input(2);
  add_actions(in, test::lognormal_intervals(30, 1500, 0.9), action_type::scroll, 200);
  in.signals.webdriver = false;
  in.signals.embedder_tells = 0.0;  // full Chromium: window.chrome and the PDF plugins present
  const auto full = compute_session_analytics(in);
  in.signals.embedder_tells = 1.0;  // the shell under the same identity: neither
  const auto shell = compute_session_analytics(in);
  CHECK(*full.environment_risk_score == doctest::Approx(0.0));
  CHECK(*shell.environment_risk_score == doctest::Approx(0.6));
  CHECK(*shell.behaviour_risk_score == doctest::Approx(*full.behaviour_risk_score));
  CHECK(shell.detection_risk_score > full.detection_risk_score + 0.4);
  CHECK(shell.risk_signals["headless_embedder"]["strength"] == 1.0);
  CHECK(*shell.embedder_tells == 1.0);
  in.signals.embedder_tells.reset();  // not measured: no signal at all
  CHECK_FALSE(compute_session_analytics(in).risk_signals.contains("headless_embedder"));
}

TEST_CASE("detection: headless user agent and robotic timing and unprepared clicks and fast typing") {
  auto in = make_input(1);
  in.signals.user_agent = "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0.0.0 Safari/537.36";
  CHECK(detection_risk_score(in.signals, {}, std::nullopt).score == doctest::Approx(0.8));

  auto bot = make_input(1);
  add_actions(bot, std::vector<double>(20, 500.0), action_type::click, 0);  // instant clicks
  const auto r = compute_session_analytics(bot);
  CHECK(*unprepared_click_fraction(bot.actions) == 1.0);
  // 1 − (1 − 0.5)(1 − 0.6·(1 − rhythm≈0)) ≈ 0.8
  CHECK(r.detection_risk_score > 0.75);

  std::vector<storage::action_sample> typing{
      {action_type::type, 0, 1000, 40, 0, {}, {}},   // 40 chars/s: superhuman
      {action_type::type, 5000, 2000, 10, 0, {}, {}}};  // 5 chars/s: human
  CHECK(*superhuman_typing_fraction(typing) == doctest::Approx(0.5));

  std::vector<storage::action_sample> prepared{
      {action_type::hover, 0, 300, 0, 0, 5, 5}, {action_type::click, 400, 20, 0, 0, 5, 5},
      {action_type::click, 900, 250, 0, 0, 9, 9}};  // long gesture: includes travel
  CHECK(*unprepared_click_fraction(prepared) == 0.0);
}

TEST_CASE("campaign: totals and success rate and averages and behavioural variance") {
  std::vector<storage::session_analytics_row> rows(3);
  rows[0].total_duration_ms = 1000; rows[0].pages_visited = 1; rows[0].total_actions = 2;
  rows[0].rhythm_score = 0.2; rows[0].detection_risk_score = 0.9; rows[0].mean_interval_s = 1;
  rows[1].total_duration_ms = 3000; rows[1].pages_visited = 3; rows[1].total_actions = 10;
  rows[1].rhythm_score = 0.8; rows[1].detection_risk_score = 0.1; rows[1].mean_interval_s = 3;
  rows[2].total_duration_ms = 2000; rows[2].pages_visited = 2; rows[2].total_actions = 6;
  rows[2].detection_risk_score = 0.2;  // no rhythm, no pace
  using S = storage::session_status;
  const auto c = compute_campaign_analytics(storage::uuid::v7(),
                                            {S::completed, S::completed, S::failed, S::timeout},
                                            rows, {12345, 0.5, 800});
  CHECK(c.total_sessions == 4);
  CHECK(c.completed_sessions == 2);
  CHECK(c.failed_sessions == 2);
  CHECK(c.success_rate == doctest::Approx(0.5));
  CHECK(*c.avg_session_duration_ms == doctest::Approx(2000));
  CHECK(*c.avg_pages_per_session == doctest::Approx(2));
  CHECK(*c.avg_actions_per_session == doctest::Approx(6));
  CHECK(*c.avg_rhythm_score == doctest::Approx(0.5));
  CHECK(*c.behavioral_variance == doctest::Approx(1.0));  // paces 1 s and 3 s
  CHECK(*c.detection_risk_score == doctest::Approx(0.4));
  CHECK(*c.resources.peak_memory_mb == 800);
}

TEST_CASE("make_session_input: visits by order and actions by time tagged with their visit") {
  storage::session_row s;
  s.id = storage::uuid::v7();
  s.user_agent = "UA";
  const auto t = storage::clock::now();
  using std::chrono::milliseconds;
  std::vector<storage::page_record> pages(2);
  pages[0].visit.visit_order = 2;
  pages[0].visit.url = "http://h/b";
  pages[0].visit.arrived_at = t + milliseconds(5000);
  pages[0].actions.resize(1);
  pages[0].actions[0].timestamp = t + milliseconds(6000);
  pages[0].actions[0].input_value = "hello";
  pages[0].actions[0].type = action_type::type;
  pages[1].visit.visit_order = 1;
  pages[1].visit.url = "http://h/a";
  pages[1].visit.arrived_at = t;
  pages[1].actions.resize(1);
  pages[1].actions[0].timestamp = t + milliseconds(1000);
  const auto in = make_session_input(s, pages, {true, ""});
  REQUIRE(in.visits.size() == 2);
  CHECK(in.visits[0].url == "http://h/a");
  REQUIRE(in.actions.size() == 2);
  CHECK(in.actions[0].visit_index == 0);
  CHECK(in.actions[1].visit_index == 1);
  CHECK(in.actions[1].input_chars == 5);
  CHECK(in.signals.user_agent == "UA");
  CHECK(*in.signals.webdriver);
}
