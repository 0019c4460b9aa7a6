#include "engine/commands.hpp"

namespace footfall::cli {
int cmd_run(const args&) { throw std::runtime_error("'run' is not built yet"); }
int cmd_worker(const args&) { throw std::runtime_error("'worker' is not built yet"); }
}  // namespace footfall::cli
