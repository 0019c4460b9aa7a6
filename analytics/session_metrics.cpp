#include "analytics/session_metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <string>

#include "analytics/detection.hpp"
#include "analytics/input_stats.hpp"
#include "analytics/json_values.hpp"
#include "analytics/stats.hpp"
#include "analytics/timing.hpp"

namespace footfall::analytics {
namespace {

using namespace storage;

bool is_plain_click(action_type t) {
  return t == action_type::click || t == action_type::double_click ||
         t == action_type::right_click;
}

std::string without_fragment(const std::string& url) { return url.substr(0, url.find('#')); }

std::optional<double> click_through(const session_input& in) {
  int clicks = 0;
  std::vector<int> last_user_action(in.visits.size(), -1);
  for (std::size_t i = 0; i < in.actions.size(); ++i) {
    const auto& a = in.actions[i];
    if (is_plain_click(a.type)) ++clicks;
    if (is_user_action(a.type) && a.visit_index >= 0 &&
        static_cast<std::size_t>(a.visit_index) < in.visits.size())
      last_user_action[static_cast<std::size_t>(a.visit_index)] = static_cast<int>(i);
  }
  if (clicks == 0) return std::nullopt;
  int through = 0;
  for (std::size_t v = 0; v + 1 < in.visits.size(); ++v)
    if (last_user_action[v] >= 0 && is_plain_click(in.actions[static_cast<std::size_t>(last_user_action[v])].type))
      ++through;
  return std::min(1.0, static_cast<double>(through) / clicks);
}

std::int64_t total_duration(const session_input& in) {
  if (in.session_duration_ms) return *in.session_duration_ms;
  if (in.visits.empty() && in.actions.empty()) return 0;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& v : in.visits) {
    lo = std::min(lo, v.arrived_ms);
    hi = std::max(hi, v.left_ms.value_or(v.arrived_ms));
  }
  for (const auto& a : in.actions) {
    lo = std::min(lo, a.t_ms);
    hi = std::max(hi, a.t_ms + a.duration_ms);
  }
  return static_cast<std::int64_t>(std::llround(std::max(0.0, hi - lo)));
}

}  // namespace

std::optional<double> session_rhythm_score(const std::vector<action_sample>& actions) {
  const auto iv = action_intervals_ms(actions);
  const auto shape = rhythm(iv);
  if (!shape) return std::nullopt;
  const double m = *quantile(iv, 0.5);
  const double speed = std::clamp((m - 100.0) / (600.0 - 100.0), 0.0, 1.0);
  const auto in = collect_input_stats(actions);
  double keys = 1.0;
  if (auto f = fraction_below(in.key_holds_ms, min_human_key_hold_ms)) keys *= 1.0 - *f;
  if (in.key_gaps_ms.size() >= 3) {
    const double mu = *mean(in.key_gaps_ms), sd = std::sqrt(*variance(in.key_gaps_ms));
    keys *= std::clamp(mu > 0 ? sd / mu / 0.3 : 0.0, 0.0, 1.0);
    keys *= 1.0 - *fraction_below(in.key_gaps_ms, min_human_key_gap_ms);
  }
  return std::clamp(shape->score * speed * keys, 0.0, 1.0);
}

session_input make_session_input(const session_row& session,
                                 const std::vector<page_record>& pages,
                                 const session_signals& signals) {
  session_input in;
  in.session_id = session.id;
  in.campaign_id = session.campaign_id;
  in.persona_id = session.persona_id;
  in.status = session.status;
  in.session_duration_ms = session.session_duration_ms;
  in.signals = signals;
  if (in.signals.user_agent.empty()) in.signals.user_agent = session.user_agent;
  std::vector<const page_record*> sorted;
  for (const auto& p : pages) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) {
    return a->visit.visit_order < b->visit.visit_order;
  });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const auto& v = sorted[i]->visit;
    in.visits.push_back({v.visit_order, v.url, epoch_ms(v.arrived_at),
                         v.left_at ? std::optional<double>(epoch_ms(*v.left_at)) : std::nullopt,
                         v.scroll_depth_percent, v.load_ms, v.console_errors, v.failed_requests});
    for (const auto& a : sorted[i]->actions)
      in.actions.push_back({a.type, epoch_ms(a.timestamp), a.duration_ms,
                            a.input_value ? static_cast<int>(a.input_value->size()) : 0,
                            static_cast<int>(i), a.x, a.y, a.input_timing});
  }
  std::stable_sort(in.actions.begin(), in.actions.end(),
                   [](const auto& a, const auto& b) { return a.t_ms < b.t_ms; });
  return in;
}

session_analytics_row compute_session_analytics(const session_input& in) {
  session_analytics_row r;
  r.session_id = in.session_id;
  r.campaign_id = in.campaign_id;
  r.persona_id = in.persona_id;
  r.total_duration_ms = total_duration(in);

  std::vector<double> dwell, scroll;
  std::set<std::string> urls;
  for (const auto& v : in.visits) {
    if (v.left_ms) dwell.push_back(std::max(0.0, *v.left_ms - v.arrived_ms));
    scroll.push_back(v.scroll_depth_percent / 100.0);
    urls.insert(without_fragment(v.url));
  }
  r.avg_page_dwell_time_ms = mean(dwell);
  if (auto m = quantile(dwell, 0.5)) r.median_page_dwell_time_ms = static_cast<int>(std::lround(*m));
  r.pages_visited = static_cast<int>(in.visits.size());
  r.navigation_depth = static_cast<int>(urls.size());
  r.bounce_rate = r.pages_visited <= 1 ? 1.0 : 0.0;

  r.total_actions = static_cast<int>(std::count_if(
      in.actions.begin(), in.actions.end(), [](const auto& a) { return is_user_action(a.type); }));
  if (r.pages_visited > 0)
    r.actions_per_page = std::min(99.99, static_cast<double>(r.total_actions) / r.pages_visited);
  r.click_through_rate = click_through(in);
  if (auto s = mean(scroll)) r.scroll_engagement = std::clamp(*s, 0.0, 1.0);

  const auto intervals = action_intervals_ms(in.actions);
  if (auto v = action_variance_s2(intervals)) r.action_variance = std::min(999.999, *v);
  if (auto m = mean(intervals)) r.mean_interval_s = *m / 1000.0;
  r.rhythm_score = session_rhythm_score(in.actions);
  r.pause_distribution = pause_histogram(action_pauses_ms(in.actions));

  const auto risk = detection_risk_score(in.signals, in.actions, r.rhythm_score);
  r.detection_risk_score = risk.score;
  r.behaviour_risk_score = risk.behaviour;
  r.environment_risk_score = risk.environment;
  r.risk_signals = risk.to_json();
  r.navigator_webdriver = in.signals.webdriver;
  r.embedder_tells = in.signals.embedder_tells;
  return r;
}

}  // namespace footfall::analytics
