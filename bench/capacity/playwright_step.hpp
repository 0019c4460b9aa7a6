#pragma once
/// One capacity step run by Playwright (bench/capacity_playwright.js under Node): the same
/// visitors, window and fidelity measures; CPU and PSS of Node's process group and of the
/// Chromium it launched, sampled here exactly as footfall's.
#include <string>
#include <vector>

#include "bench/capacity/step.hpp"

namespace footfall::bench {

/// Where the script and its packages are and how Chromium starts.
struct playwright_setup {
  std::string script;              ///< bench/capacity_playwright.js
  std::string node_modules;        ///< holds playwright-core (../shared/bench/anchors/README.md)
  std::string chrome;              ///< the same binary footfall launches
  std::vector<std::string> flags;  ///< the same flags footfall passes
};

/// Runs one step in a Node child (its own process group, killed with this process).
step_result run_playwright_step(const step_plan& plan, const playwright_setup& setup);

}  // namespace footfall::bench
