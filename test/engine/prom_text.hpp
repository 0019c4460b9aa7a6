#pragma once
// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every sample must
// belong to a family declared by a # TYPE line before it, names and labels must be well formed,
// values must be numbers, histogram buckets must be cumulative and end in +Inf == _count.
#include <map>
#include <string>

namespace footfall::test {

/// Samples by series key: the name, then its labels sorted, e.g. `x_total{status="failed"}`.
struct prom_samples {
  std::map<std::string, double> values;
  std::map<std::string, std::string> types;  ///< family name -> counter|gauge|histogram|...
  /// The value of a series; throws std::out_of_range naming it when absent.
  double at(const std::string& key) const;
  /// The value of a series, or `fallback` when absent.
  double get(const std::string& key, double fallback = 0) const;
};

/// Parses `text`; throws std::runtime_error naming the line and the rule it breaks.
prom_samples parse_prom_text(const std::string& text);

}  // namespace footfall::test
