#pragma once
/// Typed CDP failures. Each names the method it came from so a log line says what was asked.
#include <stdexcept>
#include <string>

namespace footfall::cdp {

/// Base of every CDP failure.
struct error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Chromium answered with an error object ({"error":{"code","message"}}).
struct protocol_error : error {
  protocol_error(std::string method, int code, std::string message);
  std::string method;
  int code;
  std::string protocol_message;
};

/// No reply within the command's deadline (or an awaited event did not come in time).
struct timeout_error : error {
  timeout_error(std::string method, long long timeout_ms);
  std::string method;
};

/// A navigation did not reach its load event in time. The tab was told to stop loading and
/// stays usable.
struct navigation_timeout : timeout_error {
  navigation_timeout(std::string url, long long timeout_ms);
  std::string url;
};

/// The reply to this command could not be parsed even after repairing lone surrogates
/// (cdp/message_repair.hpp); `reason` is the parser's.
struct malformed_reply : error {
  malformed_reply(std::string method, std::string reason);
  std::string method;
};

/// The socket closed or the browser died while the command was pending.
struct connection_closed : error {
  explicit connection_closed(std::string what_happened);
};

/// The target (page) the command was for detached, crashed or was closed.
struct target_closed : error {
  explicit target_closed(std::string what_happened);
};

/// The session's calls were cancelled by its owner (connection::cancel_session): a visitor's
/// time limit ran out while its page kept an action busy. `reason` says why.
struct session_cancelled : error {
  explicit session_cancelled(std::string what_happened);
};

/// Page JavaScript threw (Runtime.evaluate's exceptionDetails).
struct javascript_error : error {
  explicit javascript_error(std::string description);
};

/// A page operation could not find what it was asked for (no element matches a selector...).
struct element_not_found : error {
  explicit element_not_found(std::string selector);
  std::string selector;
};

/// Chromium could not be started or its DevTools endpoint not reached.
struct launch_error : error {
  explicit launch_error(std::string what_happened);
};

}  // namespace footfall::cdp
