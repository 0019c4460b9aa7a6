#include "engine/logging.hpp"

#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace footfall {

void init_logging() {
  auto logger = spdlog::stderr_logger_mt("footfall");
  if (isatty(STDERR_FILENO)) {
    logger->set_pattern("%H:%M:%S.%e %^%l%$ %v");
  } else {
    // Structured fields are written into the message as key=value pairs; the envelope is JSON.
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  }
  spdlog::set_default_logger(logger);
  const char* level = std::getenv("FOOTFALL_LOG_LEVEL");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::info);
}

}  // namespace footfall
