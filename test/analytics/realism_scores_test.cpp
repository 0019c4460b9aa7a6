// The split risk score and the speed- and key-aware rhythm_score on sessions shaped like footfall
// at pace 1 and at pace 0 (what bench/realism measures on the real engine).
#include <doctest/doctest.h>

#include <random>

#include "analytics/detection.hpp"
#include "analytics/input_stats.hpp"
#include "analytics/session_metrics.hpp"
#include "test/analytics/sessions.hpp"

using namespace footfall;
using namespace footfall::analytics;
using storage::action_sample;
using storage::action_type;

namespace {

/// A session of clicks, typing and scrolls: `human` has seconds between actions, ~100 ms key
/// and click holds, log-normal key gaps, curved paths and 100 px wheel notches; otherwise the
/// pace-0 fast path: tens of ms between actions, zero holds and gaps, one-sample paths and one
/// wheel event of the whole distance.
storage::session_input session(bool human, unsigned seed) {
  auto in = test::make_input(1);
  std::mt19937 g(seed);
  std::lognormal_distribution<double> think(std::log(human ? 1800 : 40), 0.6),
      gap(std::log(215), 0.45), hold(std::log(98), 0.2);
  double t = 1.7e12;
  for (int i = 0; i < 12; ++i) {
    t += think(g);
    action_sample a{action_type::click, t, human ? 900 : 3, 0, 0, 100, 100, std::nullopt};
    if (i % 3 == 1) {
      a.type = action_type::type;
      a.input_chars = 12;
      nlohmann::json holds = nlohmann::json::array(), gaps = nlohmann::json::array();
      for (int k = 0; k < 12; ++k) {
        holds.push_back(human ? hold(g) : 0.0);
        if (k) gaps.push_back(human ? gap(g) : 0.0);
      }
      a.duration_ms = human ? 3000 : 4;
      a.input_timing = nlohmann::json{{"holds", holds}, {"gaps", gaps}}.dump();
    } else if (i % 3 == 2) {
      a.type = action_type::scroll;
      a.input_timing = human ? R"({"device":"wheel","deltas":[100,100,100,100]})"
                             : R"({"device":"none","deltas":[737]})";
    } else {
      a.input_timing = human
                           ? R"({"hold":96,"fx":0.43,"fy":0.58,"path":{"points":41,"ratio":1.04}})"
                           : R"({"hold":0,"fx":0.43,"fy":0.58,"path":{"points":1}})";
    }
    in.actions.push_back(a);
  }
  in.signals.webdriver = true;  // the environment is the same at every pace
  return in;
}

}  // namespace

TEST_CASE("realism scores: behaviour and rhythm separate pace 0 from pace 1 by ≥ 0.3") {
  double min_bot_behaviour = 1, max_human_behaviour = 0, min_human_rhythm = 1, max_bot_rhythm = 0;
  for (unsigned s = 1; s <= 8; ++s) {
    const auto h = compute_session_analytics(session(true, s));
    const auto b = compute_session_analytics(session(false, s));
    REQUIRE(h.behaviour_risk_score);
    REQUIRE(b.behaviour_risk_score);
    REQUIRE(h.rhythm_score);
    REQUIRE(b.rhythm_score);
    max_human_behaviour = std::max(max_human_behaviour, *h.behaviour_risk_score);
    min_bot_behaviour = std::min(min_bot_behaviour, *b.behaviour_risk_score);
    min_human_rhythm = std::min(min_human_rhythm, *h.rhythm_score);
    max_bot_rhythm = std::max(max_bot_rhythm, *b.rhythm_score);
    // The environment is the browser's configuration: the same for both.
    CHECK(*h.environment_risk_score == doctest::Approx(0.9));
    CHECK(*b.environment_risk_score == doctest::Approx(0.9));
    // detection_risk_score is the combination of the two parts.
    CHECK(h.detection_risk_score ==
          doctest::Approx(1 - (1 - *h.behaviour_risk_score) * (1 - *h.environment_risk_score)));
  }
  CHECK(min_bot_behaviour - max_human_behaviour >= 0.3);
  CHECK(min_human_rhythm - max_bot_rhythm >= 0.3);
  CHECK(max_human_behaviour < 0.3);
  CHECK(max_bot_rhythm < 0.1);
}

TEST_CASE("realism scores: rhythm_score sees absolute speed, not only interval ratios") {
  // The same log-normal shape at 1/40 of the speed: the old score could not tell them apart.
  auto slow = test::make_input(1), fast = test::make_input(1);
  test::add_actions(slow, test::lognormal_intervals(30, 2000, 0.8), action_type::hover);
  test::add_actions(fast, test::lognormal_intervals(30, 50, 0.8), action_type::hover);
  const auto rs = session_rhythm_score(slow.actions), rf = session_rhythm_score(fast.actions);
  REQUIRE(rs);
  REQUIRE(rf);
  CHECK(*rs > 0.8);
  CHECK(*rf < 0.05);
  CHECK(*machine_speed(fast.actions) == doctest::Approx(1.0));
  CHECK(*machine_speed(slow.actions) == doctest::Approx(0.0));
}

TEST_CASE("realism scores: input_timing pooling and the device-less wheel signal") {
  std::vector<action_sample> a(4);
  a[0].type = action_type::type;
  a[0].input_timing = R"({"holds":[90,0,110],"gaps":[200,10]})";
  a[1].type = action_type::scroll;
  a[1].input_timing = R"({"deltas":[-100,-200,12]})";  // notches and touchpad deltas: a device
  a[2].type = action_type::scroll_to_element;          // no timing: an instant jump
  a[3].type = action_type::click;
  a[3].input_timing = "not json";
  const auto s = collect_input_stats(a);
  CHECK(s.key_holds_ms.size() == 3);
  CHECK(*fraction_below(s.key_holds_ms, 40) == doctest::Approx(1.0 / 3));
  CHECK(*fraction_below(s.key_gaps_ms, 25) == doctest::Approx(0.5));
  CHECK(s.wheel_deltas.size() == 3);
  CHECK(s.scrolls_into_view == 1);
  CHECK(s.scrolls_without_input == 1);
  CHECK(s.click_holds_ms.empty());
  const auto risk = detection_risk_score({}, a, std::nullopt);
  const auto sig = risk.to_json();
  CHECK(sig["deviceless_wheel_deltas"]["strength"] == 0.0);
  CHECK(sig["scrolls_without_input"]["strength"] == 1.0);
  a[1].input_timing = R"({"deltas":[737, 100]})";
  CHECK(
      detection_risk_score({}, a, std::nullopt).to_json()["deviceless_wheel_deltas"]["strength"] ==
      0.5);
}
