#include "cdp/errors.hpp"

namespace footfall::cdp {

protocol_error::protocol_error(std::string m, int c, std::string msg)
    : error(m + ": protocol error " + std::to_string(c) + ": " + msg),
      method(std::move(m)),
      code(c),
      protocol_message(std::move(msg)) {}

timeout_error::timeout_error(std::string m, long long timeout_ms)
    : error(m + ": no reply within " + std::to_string(timeout_ms) + " ms"), method(std::move(m)) {}

connection_closed::connection_closed(std::string w) : error("connection closed: " + w) {}

target_closed::target_closed(std::string w) : error("target closed: " + w) {}

}  // namespace footfall::cdp
