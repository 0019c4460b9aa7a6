#pragma once
/// Logging setup: spdlog to stderr; JSON lines when stderr is not a terminal (so log collectors
/// in Kubernetes parse them), a compact human format otherwise. FOOTFALL_LOG_LEVEL sets the level.
namespace footfall {
void init_logging();
}
