#pragma once
/// A session's trace (issue 13): what the report's session page shows of a failed or traced
/// session — a filmstrip of downscaled JPEG frames of the viewport and the page's console errors,
/// uncaught exceptions and failed requests, each with the time it happened.
///
/// Two modes:
///  * full (`--trace` on run/worker): a frame after the page loads and after every action
///    (Page.getLayoutMetrics + Page.captureScreenshot with a scaled clip, ~320 px wide JPEG),
///    stored for every session.
///  * failures (the default): no frame while the session runs — a screenshot per action costs
///    the browser a compositor frame and a JPEG encode each (see README, trace cost) — only the
///    error list, which costs nothing extra (Runtime and Log are enabled for every page anyway:
///    engine/page/page_agent.cpp), and one frame when the session fails. Stored only when it failed.
/// Failed requests come from the Log domain's network entries, as the page_visits.
/// failed_requests count does, so a trace has them with page health off too (on, every request
/// is also a `requests` row: engine/page/page_health.hpp).
/// Bounds: engine/observe/trace_buffer.hpp. Stored by the runner on the database thread
/// (storage/traces.hpp, session_traces), never on the io thread.
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "engine/observe/trace_buffer.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// off: nothing collected, nothing stored (bench/trace's baseline; no CLI flag sets it).
enum class trace_mode { off, failures, full };

/// One session's tracer. Lives on the io thread with its session.
class session_tracer {
 public:
  session_tracer(trace_mode mode, trace_limits limits);
  ~session_tracer();
  session_tracer(const session_tracer&) = delete;
  session_tracer& operator=(const session_tracer&) = delete;

  /// Starts collecting the page's errors, its out-of-process frames' too (Runtime and Log must
  /// be enabled: the page agent does, in the main frame's and each frame's set-up burst).
  void attach(const cdp::page& page);
  /// Full mode: a frame of the page now, tagged with the visit and its last action. Failures
  /// mode: nothing. Never throws (a frame that cannot be taken is skipped).
  boost::asio::awaitable<void> after_action(cdp::page page, int visit_order, int action_order);
  /// Both modes: a frame of the page as it is when the session failed (when it still renders).
  /// `timeout` bounds each of its two CDP calls (short after a time limit: the page may be busy).
  boost::asio::awaitable<void> at_failure(cdp::page page, int visit_order, int action_order,
                                          std::chrono::milliseconds timeout =
                                              std::chrono::milliseconds(5000));
  /// The trace to store: always in full mode, else only when the session did not complete.
  std::optional<storage::session_trace> finish(const storage::session_row& row);

  trace_mode mode() const { return mode_; }

  struct state;

 private:
  boost::asio::awaitable<void> capture(cdp::page page, int visit_order, int action_order,
                                       std::chrono::milliseconds timeout =
                                           std::chrono::milliseconds(5000));

  trace_mode mode_;
  std::shared_ptr<state> st_;
  std::vector<cdp::subscription> subs_;
};

}  // namespace footfall::engine
