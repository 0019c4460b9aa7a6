#pragma once
/// Base64 as CDP sends binary data (screenshots, IO.read streams).
#include <string>
#include <string_view>

namespace footfall::engine {

/// Decodes standard base64; stops at the first character outside the alphabet ('=' padding).
std::string base64_decode(std::string_view in);

}  // namespace footfall::engine
