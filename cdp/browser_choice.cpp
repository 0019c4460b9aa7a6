// The browser choice: names, packages, default paths and the executable rule.
#include "cdp/browser_choice.hpp"

#include <unistd.h>

#include <cstdlib>

namespace footfall::cdp {

const char* to_string(browser_kind k) {
  return k == browser_kind::headless_shell ? "headless-shell" : "chromium";
}

std::optional<browser_kind> parse_browser_kind(std::string_view s) {
  if (s == "chromium") return browser_kind::chromium;
  if (s == "headless-shell") return browser_kind::headless_shell;
  return std::nullopt;
}

const char* debian_package(browser_kind k) {
  return k == browser_kind::headless_shell ? "chromium-headless-shell" : "chromium";
}

const char* default_executable(browser_kind k) {
  // Debian's /usr/bin/chromium execs the binary (so it is the process footfall signals); the
  // shell's /usr/bin script does not, hence the binary's own path.
  return k == browser_kind::headless_shell ? "/usr/lib/chromium/chromium-headless-shell"
                                           : "/usr/bin/chromium";
}

resolved_executable resolve_executable(browser_kind k, const std::string& flag_path) {
  if (!flag_path.empty()) return {flag_path, executable_source::flag};
  if (const char* bin = std::getenv("CHROME_BIN"); bin && *bin)
    return {bin, executable_source::environment};
  return {default_executable(k), executable_source::default_path};
}

std::optional<std::string> browser_unusable(browser_kind k, bool headed,
                                            const resolved_executable& exe) {
  if (headed && k == browser_kind::headless_shell)
    return std::string(
        "--headed: the headless shell has no window (it is always headless); use "
        "--browser chromium for a headed run");
  if (exe.source == executable_source::default_path && access(exe.path.c_str(), X_OK) != 0)
    return std::string("browser ") + to_string(k) + ": " + exe.path +
           " is missing; install the Debian package " + debian_package(k) +
           " (apt-get install " + debian_package(k) + "), or name an executable with "
           "--chromium PATH or CHROME_BIN";
  return std::nullopt;
}

}  // namespace footfall::cdp
