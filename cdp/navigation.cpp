// Navigation outcomes: a pure tracker fed by Page.* and Target.* events, and a watch that feeds
// it from a live page.
#include "cdp/navigation.hpp"

#include <optional>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cdp/page.hpp"

namespace footfall::cdp {

std::string_view to_string(navigation_kind k) {
  switch (k) {
    case navigation_kind::none: return "none";
    case navigation_kind::same_document: return "same_document";
    case navigation_kind::cross_document: return "cross_document";
    case navigation_kind::new_target: return "new_target";
  }
  return "none";
}

namespace {

bool is_main(const json& p, const std::string& self) {
  return p.value("frameId", std::string()) == self;
}

}  // namespace

void navigation_tracker::on_event(std::string_view method, const json& p) {
  if (decided_) return;
  const auto& self = self_.value;
  if (method == "Target.attachedToTarget") {
    const auto& info = p.value("targetInfo", json::object());
    if (info.value("type", std::string()) == "page" &&
        info.value("openerId", std::string()) == self) {
      out_.kind = navigation_kind::new_target;
      out_.popup = target_id{info.value("targetId", std::string())};
      out_.url = info.value("url", std::string());
      decided_ = true;
    }
  } else if (method == "Page.navigatedWithinDocument") {
    if (!is_main(p, self)) return;
    out_.kind = navigation_kind::same_document;
    out_.url = p.value("url", std::string());
    decided_ = true;
  } else if (method == "Page.frameRequestedNavigation") {
    // Only navigations of this tab: a target=_blank link requests "newTab" and is a popup.
    if (!is_main(p, self) || p.value("disposition", std::string("currentTab")) != "currentTab")
      return;
    out_.kind = navigation_kind::cross_document;
    out_.url = p.value("url", std::string());
    stopped_ = false;  // a new request: an earlier stop was not this navigation's
  } else if (method == "Page.frameNavigated") {
    const auto& f = p.value("frame", json::object());
    if (f.contains("parentId") || f.value("id", std::string()) != self) return;
    out_.kind = navigation_kind::cross_document;
    out_.committed = true;
    stopped_ = false;  // the stop was the old document's
    out_.url = f.value("url", std::string()) + f.value("urlFragment", std::string());
  } else if (method == "Page.loadEventFired") {
    if (out_.kind != navigation_kind::cross_document || !out_.committed) return;
    out_.loaded = true;
    decided_ = true;
  } else if (method == "Page.frameStoppedLoading") {
    // Requested but nothing committed (HTTP 204, a download, a cancelled navigation): the old
    // document is still there and nothing happened to it — unless a commit follows within the
    // watch's grace (see stopped_uncommitted()).
    if (!is_main(p, self) || out_.kind != navigation_kind::cross_document || out_.committed)
      return;
    stopped_ = true;
  }
}

struct navigation_watch::state {
  explicit state(asio::any_io_executor ex, target_id self) : wake(ex), tracker(std::move(self)) {}
  asio::steady_timer wake;
  navigation_tracker tracker;
  std::vector<subscription> subs;
};

navigation_watch::navigation_watch(const page& p)
    : state_(std::make_shared<state>(p.session().conn()->get_executor(), p.target())) {
  static constexpr const char* page_events[] = {
      "Page.navigatedWithinDocument", "Page.frameRequestedNavigation", "Page.frameNavigated",
      "Page.loadEventFired", "Page.frameStoppedLoading"};
  // Handlers hold the state weakly: the subscriptions die with the watch, the state with them.
  std::weak_ptr<state> weak = state_;
  for (const char* m : page_events) {
    state_->subs.push_back(p.session().subscribe(m, [weak, m](const json& params) {
      if (auto s = weak.lock()) {
        s->tracker.on_event(m, params);
        s->wake.cancel();
      }
    }));
  }
  state_->subs.push_back(
      p.session().conn()->subscribe({}, "Target.attachedToTarget", [weak](const json& params) {
        if (auto s = weak.lock()) {
          s->tracker.on_event("Target.attachedToTarget", params);
          s->wake.cancel();
        }
      }));
}

navigation_watch::~navigation_watch() = default;

asio::awaitable<navigation_outcome> navigation_watch::wait(milliseconds quiet, milliseconds load,
                                                           milliseconds commit_grace) {
  auto st = state_;
  const auto start = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> stopped_at;
  while (!st->tracker.decided()) {
    const auto longest = start + std::max(quiet, load);
    auto deadline = start + (st->tracker.navigating() ? std::max(quiet, load) : quiet);
    if (st->tracker.stopped_uncommitted()) {
      // Handlers wake this loop at once, so the first pass after the stop dates it.
      if (!stopped_at) stopped_at = std::chrono::steady_clock::now();
      deadline = std::min(longest, *stopped_at + commit_grace);
    } else {
      stopped_at.reset();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      st->tracker.expire();
      break;
    }
    st->wake.expires_at(deadline);
    boost::system::error_code ec;
    co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  auto out = st->tracker.outcome();
  out.waited = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  co_return out;
}

}  // namespace footfall::cdp
