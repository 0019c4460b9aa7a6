#include "engine/persona/behaviour.hpp"

#include <algorithm>
#include <cmath>

namespace footfall::engine {

using storage::action_type;

session_plan plan_session(const storage::persona& p, rng& r) {
  session_plan s;
  s.duration_ms = r.between(p.session_duration_min * 1000, p.session_duration_max * 1000);
  s.pages = r.between(p.pages_min, p.pages_max);
  return s;
}

int actions_on_page(const storage::persona& p, rng& r) {
  return r.between(p.actions_per_page_min, p.actions_per_page_max);
}

std::vector<std::pair<action_type, double>> action_weights(const storage::persona& p) {
  const double s = p.scroll_probability, c = p.click_probability, t = p.typing_probability;
  // A persona with every probability at 0 still does something: it reads (scrolls).
  const double base = (s + c + t) > 0 ? 0.0 : 1.0;
  return {
      {action_type::scroll, s + base},
      {action_type::click, c * 0.55},
      {action_type::hover, c * 0.30},
      {action_type::double_click, c * 0.04},
      {action_type::right_click, c * 0.03},
      {action_type::drag_and_drop, c * 0.03},
      {action_type::scroll_to_element, s * 0.08},
      {action_type::type, t},
      {action_type::select, t * 0.30 + c * 0.03},
      {action_type::clear, t * 0.10},
      {action_type::key_press, t * 0.15 + c * 0.02},
  };
}

action_type next_action(const storage::persona& p, rng& r) {
  const auto w = action_weights(p);
  std::vector<double> weights;
  weights.reserve(w.size());
  for (const auto& e : w) weights.push_back(e.second);
  return w[r.weighted(weights)].first;
}

int thinks_left(const session_plan& plan, const storage::persona& p, int page_no,
                int actions_left) {
  const double per_page = (p.actions_per_page_min + p.actions_per_page_max) / 2.0 + 1.0;
  const double later = std::max(plan.pages - page_no, 0) * per_page;
  return std::max(1, actions_left + static_cast<int>(std::lround(later)));
}

double think_budget::next(rng& r, double elapsed_ms, int thinks) {
  constexpr double sigma = 0.5;
  thinks = std::max(thinks, 1);
  elapsed_ms = std::max(elapsed_ms, 0.0);
  // What an action (with its page work) has cost per think so far: the rest of the elapsed time.
  const double per_action = given_ > 0 ? std::max(elapsed_ms - given_ms_, 0.0) / given_ : 0.0;
  const double left = planned_ms_ - elapsed_ms - per_action * thinks;
  // The median whose log-normal MEAN fills the share: mean = median · e^(σ²/2).
  const double median =
      std::clamp(left / thinks / std::exp(sigma * sigma / 2), 150.0, 15000.0);
  const double ms = std::min(r.lognormal(median, sigma), median * 5);
  given_ms_ += ms;
  ++given_;
  return ms;
}

}  // namespace footfall::engine
