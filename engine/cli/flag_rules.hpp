#pragma once
/// Numeric flags with a range, like a config file's fields: a value outside it is refused while
/// the flags are parsed (exit 2) with the flag and the rule, never replaced by a default.
///   ("pace", ranged(&f.pace, "pace", 0.0, 100.0)->value_name("X"), "...")
/// The range is checked only for a flag given on the command line (po::notify skips absent
/// options), so a sentinel default outside it ("the campaign's") stays possible.
#include <cmath>
#include <sstream>
#include <string>
#include <type_traits>

#include <boost/program_options.hpp>

#include "engine/cli/commands.hpp"

namespace footfall::cli {

/// "a number between 0 and 100" / "an integer between 1 and 256".
template <class T>
std::string range_rule(T min, T max) {
  std::ostringstream s;
  s << (std::is_integral_v<T> ? "an integer" : "a number") << " between " << min << " and " << max;
  return s.str();
}

/// A program_options value bound to `v` that must lie in [min, max] (NaN never does).
template <class T>
boost::program_options::typed_value<T>* ranged(T* v, std::string flag, T min, T max) {
  static_assert(std::is_arithmetic_v<T>);
  return boost::program_options::value(v)->notifier([flag = std::move(flag), min, max](T x) {
    if (!(x >= min && x <= max)) {
      std::ostringstream s;
      s << "--" << flag << ": " << x << " is out of range; expected " << range_rule(min, max);
      throw usage_error(s.str());
    }
  });
}

}  // namespace footfall::cli
