#include "storage/uuid.hpp"

#include <chrono>
#include <random>

namespace footfall::storage {

uuid uuid::v7() {
  // One generator per thread: no lock on the recording hot path.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uuid id;
  const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count());
  for (int i = 0; i < 6; ++i) id.bytes[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  const std::uint64_t a = rng(), b = rng();
  for (int i = 0; i < 2; ++i) id.bytes[6 + i] = static_cast<std::uint8_t>(a >> (8 * i));
  for (int i = 0; i < 8; ++i) id.bytes[8 + i] = static_cast<std::uint8_t>(b >> (8 * i));
  id.bytes[6] = static_cast<std::uint8_t>((id.bytes[6] & 0x0F) | 0x70);  // version 7
  id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

std::optional<uuid> uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  uuid id;
  int n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return std::nullopt;
    id.bytes[n / 2] = static_cast<std::uint8_t>(id.bytes[n / 2] | (n % 2 ? v : v << 4));
    ++n;
  }
  return id;
}

std::string uuid::str() const {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[bytes[i] >> 4]);
    s.push_back(hex[bytes[i] & 0xF]);
  }
  return s;
}

bool uuid::is_nil() const {
  for (auto b : bytes)
    if (b) return false;
  return true;
}

}  // namespace footfall::storage
