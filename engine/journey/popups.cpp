// Popups: recorded as visits of their session, then closed, beside the opener's journey.
#include "engine/journey/popups.hpp"
#include "engine/journey/visit_recorder.hpp"
#include "engine/persona/links.hpp"

#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>


namespace footfall::engine {

namespace asio = boost::asio;
using sys_clock = std::chrono::system_clock;
using std::chrono::milliseconds;

outcome_budget click_budget(int navigation_timeout_ms, double pace, bool expect_navigation) {
  const double quiet =
      std::max(expect_navigation ? 1000.0 : 50.0, 300.0 * std::max(pace, 0.0));
  return {milliseconds(static_cast<long>(quiet)), milliseconds(navigation_timeout_ms)};
}

popup_rule parse_popup_rule(std::string_view name) {
  if (name == "follow") return popup_rule::follow;
  if (name == "close") return popup_rule::close;
  return popup_rule::record;
}

struct popup_keeper::state {
  std::function<void(storage::page_record)> sink;
  storage::uuid session_id;
  popup_rule rule = popup_rule::record;
  std::optional<cdp::target_id> to_follow;
  int open = 0;
  int recorded = 0;
  std::vector<asio::steady_timer*> drainers;  // woken when the last popup is done

  void done() {
    if (--open == 0)
      for (auto* t : drainers) t->cancel();
  }
};

namespace {

storage::action_row edge_action(const storage::page_visit_row& v, storage::action_type t,
                                sys_clock::time_point at, int order, int duration_ms) {
  storage::action_row a;
  a.id = storage::uuid::v7();
  a.page_visit_id = v.id;
  a.page_arrived_at = v.arrived_at;
  a.type = t;
  a.timestamp = at;
  a.action_order = order;
  a.duration_ms = std::max(0, duration_ms);
  return a;
}

asio::awaitable<void> record_popup(std::shared_ptr<popup_keeper::state> st, cdp::page opener,
                                   cdp::target_id t, int visit_order, outcome_budget budget,
                                   popup_requests requests) {
  storage::page_visit_row v;
  v.id = storage::uuid::v7();
  v.session_id = st->session_id;
  v.visit_order = visit_order;
  v.arrived_at = sys_clock::now();
  v.navigation_kind = "new_target";
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<double> load_ms;
  try {
    auto popup = co_await opener.wait_popup(t, budget.load);
    co_await popup.first_load().wait(budget.load);
    load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count();
  } catch (const cdp::error& e) {
    // A popup that never loads is still a visit: its URL is what it was asked to open.
    spdlog::debug("popup {} did not load: {}", t.value, e.what());
  }
  // Its log, still recording, is this visit's from here on: nothing of it waits on the opener's
  // agent any more (which may be gone before the popup is closed).
  const auto feed = requests.release();
  const auto conn = opener.session().conn();
  try {
    const auto info = co_await cdp::get_target_info(conn, t);
    v.url = strip_credentials(info.url).substr(0, 500);  // nothing secret stored (issue 9)
    v.title = info.title;
  } catch (const cdp::error& e) {
    spdlog::debug("popup {} info: {}", t.value, e.what());
  }
  v.load_ms = load_ms;
  try {
    co_await cdp::close_target(conn, t);
  } catch (const cdp::error& e) {
    spdlog::debug("popup {} close: {}", t.value, e.what());
  }
  v.left_at = sys_clock::now();
  storage::page_record rec{v, {}, {}};
  rec.actions.push_back(edge_action(v, storage::action_type::page_load, v.arrived_at, 1,
                                    static_cast<int>(load_ms.value_or(0))));
  rec.actions.push_back(edge_action(v, storage::action_type::page_unload, *v.left_at, 2, 0));
  rec.visit.actions_count = 2;
  if (v.url.empty()) rec.visit.url = "about:blank";
  if (feed) {  // closed: whatever is still open ended with it (canceled)
    for (auto& r : feed->log.close())
      rec.requests.push_back(request_row_of(std::move(r), rec.visit, rec.requests.size() + 1));
    rec.visit.request_count = static_cast<int>(rec.requests.size());
  }
  st->sink(std::move(rec));
  ++st->recorded;
}

}  // namespace

popup_keeper::popup_keeper(std::function<void(storage::page_record)> sink,
                           storage::uuid session_id, popup_rule rule)
    : state_(std::make_shared<state>()) {
  state_->sink = std::move(sink);
  state_->session_id = session_id;
  state_->rule = rule;
}

popup_rule popup_keeper::rule() const { return state_->rule; }
void popup_keeper::follow(cdp::target_id t) { state_->to_follow = std::move(t); }
std::optional<cdp::target_id> popup_keeper::take_follow() {
  return std::exchange(state_->to_follow, std::nullopt);
}

void popup_keeper::adopt(cdp::page opener, cdp::target_id t, int visit_order,
                         outcome_budget budget, popup_requests requests) {
  auto st = state_;
  ++st->open;
  asio::co_spawn(opener.session().conn()->get_executor(),
                 record_popup(st, opener, t, visit_order, budget, std::move(requests)),
                 [st, id = t.value](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& x) {
                       spdlog::warn("popup {} not recorded: {}", id, x.what());
                     }
                   }
                   st->done();
                 });
}

asio::awaitable<void> popup_keeper::drain(milliseconds timeout) {
  auto st = state_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (st->open > 0 && std::chrono::steady_clock::now() < deadline) {
    asio::steady_timer wake(co_await asio::this_coro::executor, deadline);
    st->drainers.push_back(&wake);
    boost::system::error_code ec;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::erase(st->drainers, &wake);
  }
}

int popup_keeper::recorded() const { return state_->recorded; }

}  // namespace footfall::engine
