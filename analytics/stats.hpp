#pragma once
/// Small descriptive statistics shared by the metrics. Pure functions over plain vectors.
#include <optional>
#include <vector>

namespace footfall::analytics {

/// Mean; nullopt for an empty sample.
std::optional<double> mean(const std::vector<double>& xs);
/// Population variance; nullopt for an empty sample.
std::optional<double> variance(const std::vector<double>& xs);
/// Quantile q in [0,1] by linear interpolation between closest ranks (numpy's default);
/// nullopt for an empty sample. Takes a copy because it sorts.
std::optional<double> quantile(std::vector<double> xs, double q);

}  // namespace footfall::analytics
