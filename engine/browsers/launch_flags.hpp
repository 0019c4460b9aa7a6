#pragma once
// The Chromium flags every recorded session runs with, beyond the launcher's own. One list:
// replay must lay pages out exactly as the run did (scrollbars take width, smooth scrolling
// changes where a wheel leaves the page), so `run`, `replay` and the benchmarks share it.
#include <string>
#include <vector>

namespace footfall::engine {

inline std::vector<std::string> session_launch_args() {
  return {"--hide-scrollbars", "--mute-audio", "--disable-smooth-scrolling"};
}

}  // namespace footfall::engine
