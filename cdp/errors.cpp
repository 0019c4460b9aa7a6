#include "cdp/errors.hpp"

namespace footfall::cdp {

protocol_error::protocol_error(std::string m, int c, std::string msg)
    : error(m + ": protocol error " + std::to_string(c) + ": " + msg),
      method(std::move(m)),
      code(c),
      protocol_message(std::move(msg)) {}

timeout_error::timeout_error(std::string m, long long timeout_ms)
    : error(m + ": no reply within " + std::to_string(timeout_ms) + " ms"), method(std::move(m)) {}

navigation_timeout::navigation_timeout(std::string u, long long timeout_ms)
    : timeout_error("Page.navigate " + u + " (load event)", timeout_ms), url(std::move(u)) {}

malformed_reply::malformed_reply(std::string m, std::string reason)
    : error(m + ": unparseable reply: " + reason), method(std::move(m)) {}

connection_closed::connection_closed(std::string w) : error("connection closed: " + w) {}

target_closed::target_closed(std::string w) : error("target closed: " + w) {}

session_cancelled::session_cancelled(std::string w) : error("cancelled: " + w) {}

javascript_error::javascript_error(std::string d) : error("javascript error: " + d) {}

element_not_found::element_not_found(std::string s)
    : error("no element matches selector '" + s + "'"), selector(std::move(s)) {}

launch_error::launch_error(std::string w) : error("chromium launch failed: " + w) {}

}  // namespace footfall::cdp
