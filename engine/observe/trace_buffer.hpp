#pragma once
/// The bounded, in-memory trace of one session (issue 13): its filmstrip and its page errors.
/// Sans-io: the session tracer (engine/observe/trace.hpp) feeds it; tests drive it directly.
///
/// Bounds, per session (trace_limits): at most max_frames frames and max_frame_bytes of JPEG
/// data (base64), the oldest frame dropped first — the newest frame is always kept, so a failed
/// session keeps the page as it was when it failed; at most max_errors errors, the oldest
/// dropped first, each text cut at max_error_text characters. What was dropped is counted.
#include <cstddef>
#include <deque>

#include "storage/traces.hpp"

namespace footfall::engine {

/// How big a session's trace may get, and how its frames are taken.
struct trace_limits {
  int max_frames = 40;
  std::size_t max_frame_bytes = 1 << 20;  ///< 1 MiB of base64 JPEG per session
  int max_errors = 100;
  std::size_t max_error_text = 500;
  int frame_width = 320;  ///< frames are downscaled to this width (CSS px of the viewport → px)
  int jpeg_quality = 50;
};

class trace_buffer {
 public:
  explicit trace_buffer(trace_limits l = {}) : limits_(l) {}

  /// Appends a frame, then drops the oldest ones until the bounds hold again.
  void add_frame(storage::trace_frame f);
  /// Appends an error (text cut to max_error_text), dropping the oldest beyond max_errors.
  void add_error(storage::trace_error e);

  const std::deque<storage::trace_frame>& frames() const { return frames_; }
  const std::deque<storage::trace_error>& errors() const { return errors_; }
  std::size_t frame_bytes() const { return frame_bytes_; }
  int frames_dropped() const { return frames_dropped_; }
  int errors_dropped() const { return errors_dropped_; }
  const trace_limits& limits() const { return limits_; }

  /// The trace to store (the buffer is left empty).
  storage::session_trace take(const storage::uuid& session_id, int attempt, std::string mode);

 private:
  trace_limits limits_;
  std::deque<storage::trace_frame> frames_;
  std::deque<storage::trace_error> errors_;
  std::size_t frame_bytes_ = 0;
  int frames_dropped_ = 0;
  int errors_dropped_ = 0;
};

}  // namespace footfall::engine
