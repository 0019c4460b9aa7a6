#include "engine/commands.hpp"

namespace footfall::cli {
int cmd_visit(const args&) { throw std::runtime_error("'visit' is not built yet"); }
}  // namespace footfall::cli
