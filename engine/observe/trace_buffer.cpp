#include "engine/observe/trace_buffer.hpp"

#include <algorithm>
#include <iterator>

namespace footfall::engine {

void trace_buffer::add_frame(storage::trace_frame f) {
  frame_bytes_ += f.jpeg_base64.size();
  frames_.push_back(std::move(f));
  while (frames_.size() > 1 && (static_cast<int>(frames_.size()) > limits_.max_frames ||
                                frame_bytes_ > limits_.max_frame_bytes)) {
    frame_bytes_ -= frames_.front().jpeg_base64.size();
    frames_.pop_front();
    ++frames_dropped_;
  }
}

void trace_buffer::add_error(storage::trace_error e) {
  if (e.text.size() > limits_.max_error_text) {
    // Cut on a UTF-8 character boundary: the text goes into JSON.
    auto n = limits_.max_error_text;
    while (n > 0 && (static_cast<unsigned char>(e.text[n]) & 0xC0) == 0x80) --n;
    e.text = e.text.substr(0, n) + "…";
  }
  if (e.url.size() > limits_.max_error_text) e.url.resize(limits_.max_error_text);
  errors_.push_back(std::move(e));
  while (static_cast<int>(errors_.size()) > std::max(0, limits_.max_errors)) {
    errors_.pop_front();
    ++errors_dropped_;
  }
}

storage::session_trace trace_buffer::take(const storage::uuid& session_id, int attempt,
                                          std::string mode) {
  storage::session_trace t;
  t.session_id = session_id;
  t.attempt = attempt;
  t.mode = std::move(mode);
  t.frames.assign(std::make_move_iterator(frames_.begin()), std::make_move_iterator(frames_.end()));
  t.errors.assign(std::make_move_iterator(errors_.begin()), std::make_move_iterator(errors_.end()));
  t.frames_dropped = frames_dropped_;
  t.errors_dropped = errors_dropped_;
  frames_.clear();
  errors_.clear();
  frame_bytes_ = 0;
  return t;
}

}  // namespace footfall::engine
