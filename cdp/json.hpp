#pragma once
/// Common vocabulary of the CDP layer: JSON type, Asio alias, distinct id types.
#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace boost::asio {}

namespace footfall::cdp {

namespace asio = boost::asio;
using json = nlohmann::json;
using std::chrono::milliseconds;

/// A string id that does not mix with other ids (a session id is not a target id).
/// Not an aggregate on purpose: g++ 12 destroys a brace-initialised aggregate temporary twice
/// when it appears in a co_await expression (e.g. a `session_id session = {}` default argument
/// of a coroutine): give such types constructors, or default them with `T()` not `{}`.
template <class Tag>
struct strong_id {
  strong_id() = default;
  explicit strong_id(std::string v) : value(std::move(v)) {}
  std::string value;
  /// Empty means "the browser itself" for session ids.
  bool empty() const { return value.empty(); }
  friend bool operator==(const strong_id&, const strong_id&) = default;
};

using session_id = strong_id<struct session_id_tag>;               ///< Flattened target session.
using target_id = strong_id<struct target_id_tag>;                 ///< Target (page, worker...).
using browser_context_id = strong_id<struct browser_context_tag>;  ///< Isolated profile.

}  // namespace footfall::cdp

template <class Tag>
struct std::hash<footfall::cdp::strong_id<Tag>> {
  size_t operator()(const footfall::cdp::strong_id<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.value);
  }
};
