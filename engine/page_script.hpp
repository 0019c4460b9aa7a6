#pragma once
/// The helper footfall installs in every document of a session
/// (Page.addScriptToEvaluateOnNewDocument): target picking with actionability checks and
/// hit-testing, short unique selectors, per-page counters (scroll depth, console errors, failed
/// resources) and navigation timing, so each action costs one Runtime.evaluate and no polling.
#include <string>
#include <string_view>

namespace footfall::engine {

/// The script's source; it defines the non-enumerable window.__footfall once per document.
std::string_view page_script();

/// JS expression calling `__footfall.<call>` (the runner registers the script before the first
/// navigation, so every document of a session has it).
std::string page_call(std::string_view call);

}  // namespace footfall::engine
