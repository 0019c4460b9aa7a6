#include "engine/commands.hpp"

namespace footfall::cli {
int cmd_analytics(const args&) { throw std::runtime_error("'analytics' is not built yet"); }
int cmd_report(const args&) { throw std::runtime_error("'report' is not built yet"); }
int cmd_compare(const args&) { throw std::runtime_error("'compare' is not built yet"); }
}  // namespace footfall::cli
