#include "engine/commands.hpp"

namespace footfall::cli {
int cmd_db(const args&) { throw std::runtime_error("'db' is not built yet"); }
}  // namespace footfall::cli
