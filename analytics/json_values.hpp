#pragma once
/// Small value conversions the reports and compare share when they write JSON: one definition
/// each, so files compiled in one unity batch never meet two of the same name.
#include <chrono>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "storage/records.hpp"

namespace footfall::analytics {

/// Milliseconds since the epoch, fractional: what the HTML report's charts plot.
inline double epoch_ms(storage::time_point t) {
  return std::chrono::duration<double, std::milli>(t.time_since_epoch()).count();
}

/// A number or JSON null: null when absent, and when not finite (JSON has no NaN or infinity).
inline nlohmann::json jopt(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

}  // namespace footfall::analytics
