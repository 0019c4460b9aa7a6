#pragma once
/// Reading DevTools JSON text without building a document, sans-io and unit-tested.
///
/// nlohmann::json spends ~150–200 instructions a byte building maps, strings and numbers. With
/// page health on, the Network events request_log reads were a third of the bytes footfall
/// parsed and the largest share of what page health cost it (callgrind, README "What page
/// health costs"), though it reads a dozen short members of each. An object_view indexes one
/// object's members in a single pass that skips values at a few instructions a byte (strings
/// with memchr) and converts only the values asked for. Anything it does not expect (broken
/// text, an escaped member name, text after the object) makes it give up, and the caller parses
/// the text whole as before.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footfall::cdp {

/// An event message's parts, as Chromium writes them:
/// `{"method":"Domain.event","params":{...},"sessionId":"..."}` (no sessionId: the browser's own).
struct event_text {
  std::string_view method, params, session;
};
/// nullopt when the message is not laid out that way (a reply, escapes in the method or the
/// session id, members in another order); `params` is not checked (object_view::of does that).
std::optional<event_text> split_event(std::string_view message);

/// One JSON object's members, indexed; values are read on demand. A view: the text must outlive
/// it.
class object_view {
 public:
  /// nullopt unless `text` is one JSON object, whitespace around it allowed, with no escape in
  /// its own member names (nested objects are checked when they are viewed).
  static std::optional<object_view> of(std::string_view text);

  /// The raw text of member `name`'s value (the last one when a name repeats, as
  /// nlohmann::json keeps it), nullopt when absent.
  std::optional<std::string_view> raw(std::string_view name) const;
  bool has(std::string_view name) const { return raw(name).has_value(); }
  /// A number member (nullopt when absent or not a number).
  std::optional<double> number(std::string_view name) const;
  /// A string member, unescaped (nullopt when absent or not a string). Escaped text is decoded
  /// by parse_message (lone surrogates become U+FFFD, as for a whole message).
  std::optional<std::string> string(std::string_view name) const;
  /// True only for a member that is the literal true.
  bool is_true(std::string_view name) const { return raw(name) == std::string_view("true"); }
  /// The member's object: nullopt when absent or not an object, and when its text is not
  /// viewable (of()); `viewable` tells the two apart for callers that must fall back.
  std::optional<object_view> object(std::string_view name, bool* viewable = nullptr) const;

  std::size_t size() const { return members_.size(); }

 private:
  std::vector<std::pair<std::string_view, std::string_view>> members_;
};

}  // namespace footfall::cdp
