#include "engine/observe/trace.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/page/page_script.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using json = nlohmann::json;

struct session_tracer::state {
  explicit state(trace_limits l) : buffer(l) {}
  trace_buffer buffer;
  /// footfall's isolated worlds (session, context): their exceptions are not the page's.
  std::set<std::pair<std::string, long>> own_contexts;
  std::vector<cdp::subscription> frame_subs;  ///< on out-of-process frames' sessions
};

namespace {

std::string arg_text(const json& a) {
  if (a.contains("value")) {
    const auto& v = a["value"];
    return v.is_string() ? v.get<std::string>() : v.dump();
  }
  return a.value("description", a.value("type", std::string()));
}

std::string first_frame_url(const json& stack) {
  const auto& frames = stack.value("callFrames", json::array());
  return frames.empty() ? std::string() : frames.front().value("url", std::string());
}

storage::trace_error console_error(const json& p) {
  std::string text;
  for (const auto& a : p.value("args", json::array())) {
    if (!text.empty()) text += ' ';
    text += arg_text(a);
  }
  return {storage::clock::now(), "console", text,
          first_frame_url(p.value("stackTrace", json::object()))};
}

storage::trace_error exception_error(const json& d) {
  const auto& ex = d.value("exception", json::object());
  std::string text = ex.value("description", std::string());
  if (text.empty()) text = d.value("text", std::string());
  return {storage::clock::now(), "exception", text, d.value("url", std::string())};
}

}  // namespace

session_tracer::session_tracer(trace_mode mode, trace_limits limits)
    : mode_(mode), st_(std::make_shared<state>(limits)) {}

session_tracer::~session_tracer() = default;

namespace {

// The same events page_agent.cpp counts (console_errors, failed_requests), here with their text.
// `frame_url`: an out-of-process frame's URL, for its errors that name none of their own.
void listen(std::weak_ptr<session_tracer::state> weak, const cdp::session& s,
            std::string frame_url, std::vector<cdp::subscription>& subs) {
  const std::string sid = s.id().value;
  auto where = [frame_url](std::string url) { return url.empty() ? frame_url : url; };
  subs.push_back(s.subscribe("Runtime.consoleAPICalled", [weak, where](const json& p) {
    const auto type = p.value("type", std::string());
    if (auto st = weak.lock(); st && (type == "error" || type == "assert")) {
      auto e = console_error(p);
      e.url = where(e.url);
      st->buffer.add_error(std::move(e));
    }
  }));
  subs.push_back(s.subscribe("Runtime.exceptionThrown", [weak, where, sid](const json& p) {
    const auto& d = p.value("exceptionDetails", json::object());
    auto st = weak.lock();
    if (!st || st->own_contexts.count({sid, d.value("executionContextId", 0L)})) return;
    auto e = exception_error(d);
    e.url = where(e.url);
    st->buffer.add_error(std::move(e));
  }));
  subs.push_back(s.subscribe("Log.entryAdded", [weak, where](const json& p) {
    auto st = weak.lock();
    const auto& e = p.value("entry", json::object());
    if (!st || e.value("level", std::string()) != "error") return;
    const auto source = e.value("source", std::string());
    if (source == "javascript") return;  // already an exceptionThrown
    st->buffer.add_error({storage::clock::now(), source == "network" ? "network" : "log",
                          e.value("text", std::string()), where(e.value("url", std::string()))});
  }));
  subs.push_back(s.subscribe("Runtime.executionContextCreated", [weak, sid](const json& p) {
    const auto& c = p.value("context", json::object());
    if (auto st = weak.lock(); st && c.value("name", std::string()) == page_world_name())
      st->own_contexts.insert({sid, c.value("id", 0L)});
  }));
}

}  // namespace

void session_tracer::attach(const cdp::page& page) {
  if (mode_ == trace_mode::off) return;
  std::weak_ptr<state> weak = st_;
  listen(weak, page.session(), std::string(), subs_);
  // Out-of-process frames, as cdp/ attaches them (paused, so none of their errors is missed).
  page.on_frame([weak](const cdp::child_target& c) {
    if (auto st = weak.lock()) listen(weak, c.session, c.url, st->frame_subs);
  });
}

asio::awaitable<void> session_tracer::capture(cdp::page page, int visit_order, int action_order,
                                              std::chrono::milliseconds timeout) {
  if (!page.state() || page.closed()) co_return;
  try {
    const auto& lim = st_->buffer.limits();
    // The clip is in document coordinates, so it starts where the visual viewport is scrolled
    // to; its scale downsizes in the browser, before the JPEG is encoded and sent.
    const json m = co_await page.session().send("Page.getLayoutMetrics", json::object(), timeout);
    const auto& vv = m.value("cssVisualViewport", json::object());
    const double w = vv.value("clientWidth", 0.0), h = vv.value("clientHeight", 0.0);
    if (w <= 0 || h <= 0) co_return;
    const double scale = std::min(1.0, lim.frame_width / w);
    json clip{{"x", vv.value("pageX", 0.0)},
              {"y", vv.value("pageY", 0.0)},
              {"width", w},
              {"height", h},
              {"scale", scale}};
    // g++ 12 miscompiles braced JSON initializers inside co_await expressions: build it first.
    json params{{"format", "jpeg"}, {"quality", lim.jpeg_quality}, {"clip", std::move(clip)}};
    const json shot =
        co_await page.session().send("Page.captureScreenshot", std::move(params), timeout);
    st_->buffer.add_frame({storage::clock::now(), visit_order, action_order,
                           static_cast<int>(std::lround(w * scale)),
                           static_cast<int>(std::lround(h * scale)), shot.value("data", "")});
  } catch (const std::exception& e) {
    spdlog::debug("trace frame skipped: {}", e.what());
  }
}

asio::awaitable<void> session_tracer::after_action(cdp::page page, int visit_order,
                                                   int action_order) {
  if (mode_ == trace_mode::full) co_await capture(std::move(page), visit_order, action_order);
}

asio::awaitable<void> session_tracer::at_failure(cdp::page page, int visit_order,
                                                 int action_order,
                                                 std::chrono::milliseconds timeout) {
  if (mode_ != trace_mode::off)
    co_await capture(std::move(page), visit_order, action_order, timeout);
}

std::optional<storage::session_trace> session_tracer::finish(const storage::session_row& row) {
  for (auto& s : subs_) s.reset();
  st_->frame_subs.clear();
  const bool failed = row.status != storage::session_status::completed;
  if (mode_ == trace_mode::off || (mode_ == trace_mode::failures && !failed)) return std::nullopt;
  // A session that failed before its page existed has nothing to show.
  const auto& b = st_->buffer;
  if (b.frames().empty() && b.errors().empty() && b.frames_dropped() == 0) return std::nullopt;
  return st_->buffer.take(row.id, row.attempt, mode_ == trace_mode::full ? "full" : "failure");
}

}  // namespace footfall::engine
