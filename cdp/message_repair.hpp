#pragma once
/// Making a DevTools message parseable before it is parsed, sans-io and unit-tested.
///
/// Chromium serialises page strings as UTF-16 code units, so a lone surrogate in page text (a
/// truncated emoji: `document.title = 'a\uD800'`) reaches us as the JSON escape `\ud800` with no
/// partner. JSON (RFC 8259 §8.2) leaves such escapes' meaning undefined and nlohmann::json refuses
/// the whole message. We do what Chromium's own JSON writer and WHATWG's `toWellFormed()` do with
/// ill-formed UTF-16: each lone surrogate becomes U+FFFD. The escape and its replacement are both
/// six bytes, so the repair is in place.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cdp/json.hpp"

namespace footfall::cdp {

/// Rewrites every `\uD800`–`\uDBFF` escape not followed by a `\uDC00`–`\uDFFF` escape, and every
/// `\uDC00`–`\uDFFF` escape not preceded by one, to `\uFFFD`; a well-formed pair is left alone and
/// an escaped backslash (`\\uD800`) is not an escape. Returns how many escapes were rewritten.
std::size_t repair_lone_surrogates(std::string& message);

/// The top-level "id" member of a message that does not parse, when it can still be read (a
/// reply names its call first: `{"id":12,"result":...`); nullopt for events and for text too
/// broken to tell. Nested "id" members (inside params or result) are not the message's id.
std::optional<std::uint64_t> find_message_id(std::string_view message);

/// A received message, parsed.
struct parsed_message {
  json value;                             ///< discarded when the text did not parse
  std::size_t repaired = 0;               ///< lone surrogates rewritten before it parsed
  std::string error;                      ///< the parser's reason when it did not parse
  std::optional<std::uint64_t> reply_id;  ///< find_message_id() of a message that did not parse
  bool ok() const { return error.empty(); }
};

/// Parses `text`; on failure repairs lone surrogates and tries again; still failing, says why and
/// which call the message answered, if that can be read. The common (well-formed) message is
/// parsed once, without a copy.
parsed_message parse_message(std::string_view text);

}  // namespace footfall::cdp
