#include "engine/page/base64.hpp"

namespace footfall::engine {

std::string base64_decode(std::string_view in) {
  static constexpr std::string_view chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(in.size() * 3 / 4);
  int val = 0, bits = -8;
  for (const char c : in) {
    const auto pos = chars.find(c);
    if (pos == std::string_view::npos) break;  // '=' padding ends the data
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

}  // namespace footfall::engine
