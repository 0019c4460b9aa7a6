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

/// No reply within the command's deadline.
struct timeout_error : error {
  timeout_error(std::string method, long long timeout_ms);
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

}  // namespace footfall::cdp
