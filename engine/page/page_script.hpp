#pragma once
/// The script footfall's page agent installs in every document of a session, in an isolated
/// world of its own: target picking with actionability checks and hit-testing through same-origin
/// frames and open shadow roots, short unique selectors, scroll depth and navigation timing, so
/// each action costs one Runtime.evaluate and no polling. Only engine/page/page_agent.cpp calls it.
#include <string_view>

namespace footfall::engine {

/// The script's source (engine/page/js/page_script.js, embedded at build time); it defines `__ff`
/// in its isolated world once per document. Its functions C++ calls are in page_script_api.hpp.
std::string_view page_script();

/// The isolated world's name (Page.addScriptToEvaluateOnNewDocument worldName).
std::string_view page_world_name();

}  // namespace footfall::engine
