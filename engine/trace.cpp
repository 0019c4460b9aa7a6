#include "engine/trace.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/page_script.hpp"

namespace footfall::engine {

namespace asio = boost::asio;
using json = nlohmann::json;

struct session_tracer::state {
  explicit state(trace_limits l) : buffer(l) {}
  trace_buffer buffer;
  std::set<long> own_contexts;  ///< footfall's isolated world: its exceptions are not the page's
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

// The same events page_agent.cpp counts (console_errors, failed_requests), here with their text.
void session_tracer::attach(const cdp::session& s) {
  if (mode_ == trace_mode::off) return;
  std::weak_ptr<state> weak = st_;
  subs_.push_back(s.subscribe("Runtime.consoleAPICalled", [weak](const json& p) {
    const auto type = p.value("type", std::string());
    if (auto st = weak.lock(); st && (type == "error" || type == "assert"))
      st->buffer.add_error(console_error(p));
  }));
  subs_.push_back(s.subscribe("Runtime.exceptionThrown", [weak](const json& p) {
    const auto& d = p.value("exceptionDetails", json::object());
    if (auto st = weak.lock(); st && !st->own_contexts.count(d.value("executionContextId", 0L)))
      st->buffer.add_error(exception_error(d));
  }));
  subs_.push_back(s.subscribe("Log.entryAdded", [weak](const json& p) {
    auto st = weak.lock();
    const auto& e = p.value("entry", json::object());
    if (!st || e.value("level", std::string()) != "error") return;
    const auto source = e.value("source", std::string());
    if (source == "javascript") return;  // already an exceptionThrown
    st->buffer.add_error({storage::clock::now(), source == "network" ? "network" : "log",
                          e.value("text", std::string()), e.value("url", std::string())});
  }));
  subs_.push_back(s.subscribe("Runtime.executionContextCreated", [weak](const json& p) {
    const auto& c = p.value("context", json::object());
    if (auto st = weak.lock(); st && c.value("name", std::string()) == page_world_name())
      st->own_contexts.insert(c.value("id", 0L));
  }));
}

asio::awaitable<void> session_tracer::capture(cdp::page page, int visit_order, int action_order) {
  if (!page.state() || page.closed()) co_return;
  try {
    const auto& lim = st_->buffer.limits();
    // The clip is in document coordinates, so it starts where the visual viewport is scrolled
    // to; its scale downsizes in the browser, before the JPEG is encoded and sent.
    const json m = co_await page.session().send("Page.getLayoutMetrics", json::object(),
                                                std::chrono::seconds(5));
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
    const json shot = co_await page.session().send("Page.captureScreenshot", std::move(params),
                                                   std::chrono::seconds(5));
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
                                                 int action_order) {
  if (mode_ != trace_mode::off) co_await capture(std::move(page), visit_order, action_order);
}

std::optional<storage::session_trace> session_tracer::finish(const storage::session_row& row) {
  for (auto& s : subs_) s.reset();
  const bool failed = row.status != storage::session_status::completed;
  if (mode_ == trace_mode::off || (mode_ == trace_mode::failures && !failed)) return std::nullopt;
  // A session that failed before its page existed has nothing to show.
  const auto& b = st_->buffer;
  if (b.frames().empty() && b.errors().empty() && b.frames_dropped() == 0) return std::nullopt;
  return st_->buffer.take(row.id, row.attempt, mode_ == trace_mode::full ? "full" : "failure");
}

}  // namespace footfall::engine
