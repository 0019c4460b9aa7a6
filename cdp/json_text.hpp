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

#include "cdp/json.hpp"
#include "cdp/message_repair.hpp"

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

/// One way to read an object's members from parsed JSON (parsed_fields) or from its text
/// (text_fields), so that a reader written once as a template reads both alike: a member of the
/// wrong type is absent. object() clears `ok` when a nested object's text cannot be viewed.
struct parsed_fields {
  const json& j;
  std::string text(const char* k) const;
  std::optional<double> num(const char* k) const;
  bool is_true(const char* k) const;
  bool has(const char* k) const { return j.find(k) != j.end(); }
  std::optional<parsed_fields> object(const char* k, bool& ok) const;
};
struct text_fields {
  object_view v;
  std::string text(const char* k) const { return v.string(k).value_or(std::string()); }
  std::optional<double> num(const char* k) const { return v.number(k); }
  bool is_true(const char* k) const { return v.is_true(k); }
  bool has(const char* k) const { return v.has(k); }
  std::optional<text_fields> object(const char* k, bool& ok) const;
};

/// `read(fields, ok)` over an object's text; when the text cannot be viewed (of() or a nested
/// object()), over the text parsed whole (lone surrogates repaired), as before the text path.
/// nullopt when the text is not a JSON object at all. `read` must only read: it may run twice.
template <class Read>
auto read_fields(std::string_view text, Read read)
    -> std::optional<decltype(read(std::declval<const parsed_fields&>(), std::declval<bool&>()))> {
  if (auto v = object_view::of(text)) {
    bool ok = true;
    auto out = read(text_fields{std::move(*v)}, ok);
    if (ok) return out;
  }
  auto parsed = parse_message(text);
  if (!parsed.ok() || !parsed.value.is_object()) return std::nullopt;
  bool ok = true;
  return read(parsed_fields{parsed.value}, ok);
}

}  // namespace footfall::cdp
