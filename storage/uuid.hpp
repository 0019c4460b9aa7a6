#pragma once
/// Client-generated UUIDs. Version 7 (time-ordered) keys keep B-tree inserts at the right edge of
/// the index: ../shared/bench/pg measured them ~1.6x faster to COPY than random v4 keys.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace footfall::storage {

/// A 128-bit UUID held by value; printed in the canonical 8-4-4-4-12 form.
struct uuid {
  std::array<std::uint8_t, 16> bytes{};

  /// A new UUIDv7: 48-bit Unix milliseconds, then random bits (RFC 9562 §5.7).
  static uuid v7();
  /// Parses the canonical form (case-insensitive); nullopt when malformed.
  static std::optional<uuid> parse(std::string_view text);

  std::string str() const;
  bool is_nil() const;
  auto operator<=>(const uuid&) const = default;
};

}  // namespace footfall::storage
