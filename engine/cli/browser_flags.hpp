#pragma once
/// --browser and --chromium, shared by run, worker, visit and replay: which browser a command
/// launches and from which executable, by one rule (cdp/browser_choice.hpp).
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "cdp/browser_choice.hpp"
#include "cdp/launcher.hpp"

namespace footfall::cli {

struct browser_flags {
  std::string browser;   ///< --browser: "chromium" | "headless-shell"; empty = not given
  std::string chromium;  ///< --chromium PATH; empty = not given
};

/// Adds --browser and --chromium to `d`.
void add_browser_flags(boost::program_options::options_description& d, browser_flags& f);

/// The browser a command launches: --browser beats `configured` (the campaign's "browser")
/// beats chromium; its executable: --chromium beats CHROME_BIN beats the browser's default.
/// Throws usage_error (exit 2) for an unknown --browser, --headed with the headless shell, or a
/// browser whose package is not installed: before any browser starts or session is claimed.
cdp::launch_options resolve_launch(const browser_flags& f,
                                   std::optional<cdp::browser_kind> configured, bool headed);

}  // namespace footfall::cli
