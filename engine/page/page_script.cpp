#include "engine/page/page_script.hpp"

// page_script() itself is generated from engine/page/js/page_script.js (engine/embed_js.cmake).

namespace footfall::engine {

std::string_view page_world_name() { return "footfall_agent"; }

}  // namespace footfall::engine
