#include "engine/commands.hpp"

namespace footfall::cli {
int cmd_persona(const args&) { throw std::runtime_error("'persona' is not built yet"); }
int cmd_campaign(const args&) { throw std::runtime_error("'campaign' is not built yet"); }
}  // namespace footfall::cli
