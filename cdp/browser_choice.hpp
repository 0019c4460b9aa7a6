#pragma once
/// Which browser footfall drives, and the one rule that finds its executable. Every command and
/// benchmark resolves the executable here, so `run`, `replay`, `visit` and the benches agree:
///   --chromium PATH  beats  CHROME_BIN  beats  the browser's default.
#include <optional>
#include <string>
#include <string_view>

namespace footfall::cdp {

/// The two builds of the same Chromium that Debian 12 ships.
enum class browser_kind {
  chromium,        ///< the full browser (new headless, or headed with a display)
  headless_shell,  ///< chromium-headless-shell: the old-headless embedder, no window, cheaper
};

/// "chromium" or "headless-shell" (the campaign file's and --browser's spelling).
const char* to_string(browser_kind k);
/// Parses "chromium" / "headless-shell"; nullopt otherwise.
std::optional<browser_kind> parse_browser_kind(std::string_view s);
/// The rule as a message ("expected \"chromium\" or \"headless-shell\"").
inline constexpr const char* browser_kind_rule = "expected \"chromium\" or \"headless-shell\"";

/// The Debian package that installs `k`.
const char* debian_package(browser_kind k);
/// Where the package puts `k`'s executable. For the shell this is the binary itself, not the
/// /usr/bin/chromium-headless-shell script: that script runs it without exec, so footfall's
/// SIGTERM and die-with-parent would reach only the /bin/sh and the browser would outlive it.
const char* default_executable(browser_kind k);

/// Where an executable came from (for messages).
enum class executable_source { flag, environment, default_path };

struct resolved_executable {
  std::string path;
  executable_source source = executable_source::default_path;
};

/// The rule: `flag_path` (--chromium) when not empty, else $CHROME_BIN when set and not empty,
/// else default_executable(k).
resolved_executable resolve_executable(browser_kind k, const std::string& flag_path);

/// Why `k` cannot run as asked, or nullopt: headed with the shell (it has no window), or the
/// browser's default executable missing (names the package to install). A path given by
/// --chromium or CHROME_BIN is the user's choice and is checked when it is launched.
/// Call it before any session is claimed; the CLI turns a reason into exit 2.
std::optional<std::string> browser_unusable(browser_kind k, bool headed,
                                            const resolved_executable& exe);

}  // namespace footfall::cdp
