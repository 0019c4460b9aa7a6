#pragma once
/// Session traces (issue 13, migration 0070): a session's filmstrip and its page errors, and the
/// session's actions as the session page shows them. Plain values here; libpqxx in traces.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// One downscaled frame of the page (a JPEG of the viewport), taken after an action.
struct trace_frame {
  time_point at{};
  int visit_order = 0;   ///< the page visit it shows (0: unknown)
  int action_order = 0;  ///< the last action recorded on that visit before it (0: none)
  int width = 0;         ///< pixels of the JPEG
  int height = 0;
  std::string jpeg_base64;
};

/// A console error, uncaught exception, browser-side error or failed request, as CDP reported it.
struct trace_error {
  time_point at{};
  std::string kind;  ///< console, exception, log, network
  std::string text;
  std::string url;
};

/// The stored trace of one session attempt.
struct session_trace {
  uuid session_id;
  int attempt = 0;  ///< fencing token, as session_row::attempt (0: unfenced)
  std::string mode = "failure";  ///< full (--trace) or failure (default: kept when it failed)
  std::vector<trace_frame> frames;  ///< in time order
  std::vector<trace_error> errors;  ///< in time order
  int frames_dropped = 0;  ///< frames left out to keep within the bounds
  int errors_dropped = 0;
  /// Bytes of frame data and error text (what the bounds count).
  std::int64_t bytes() const;
};

/// One action of the session, with its page visit, as the session page lists it.
struct traced_action {
  int visit_order = 0;
  std::string page_url;
  int action_order = 0;
  std::string type;
  std::string selector;
  std::string text;
  std::optional<int> x, y;
  time_point at{};
  int duration_ms = 0;
  std::string navigation_kind;
};

/// What the session page needs of the session itself.
struct traced_session {
  session_row row;
  std::string campaign_name;
  std::vector<traced_action> actions;  ///< by visit_order, action_order
};

/// Inserts (or replaces) the trace. Fenced like the writer's rows: nothing is written when the
/// trace's attempt (> 0) is not the session's current one or the session was failed as lost.
/// Returns whether it was written.
bool insert_trace(connection& c, const session_trace& t);
/// The trace of the session's latest attempt that has one.
std::optional<session_trace> load_trace(connection& c, const uuid& session_id);
/// Sessions of the campaign that have a stored trace.
std::vector<uuid> traced_sessions(connection& c, const uuid& campaign_id);
/// The session, its campaign's name and its actions. Throws not_found_error.
traced_session load_traced_session(connection& c, const uuid& session_id);

}  // namespace footfall::storage
