// --browser / --chromium: parsed once, resolved by cdp/browser_choice's rule.
#include "engine/cli/browser_flags.hpp"

#include "engine/cli/commands.hpp"

namespace footfall::cli {

void add_browser_flags(boost::program_options::options_description& d, browser_flags& f) {
  d.add_options()("browser", boost::program_options::value(&f.browser)->value_name("NAME"),
                  "chromium (the full browser) or headless-shell (chromium-headless-shell: "
                  "about half the memory and two-thirds of the CPU per visitor; a page can tell "
                  "it apart, README \"Browser choice\"); default: the campaign's \"browser\", "
                  "else chromium")(
      "chromium", boost::program_options::value(&f.chromium)->value_name("PATH"),
      "the browser's executable (default: $CHROME_BIN, else /usr/bin/chromium for chromium, "
      "/usr/lib/chromium/chromium-headless-shell for headless-shell)");
}

cdp::launch_options resolve_launch(const browser_flags& f,
                                   std::optional<cdp::browser_kind> configured, bool headed) {
  cdp::browser_kind kind = configured.value_or(cdp::browser_kind::chromium);
  if (!f.browser.empty()) {
    const auto k = cdp::parse_browser_kind(f.browser);
    if (!k) throw usage_error("--browser: " + std::string(cdp::browser_kind_rule));
    kind = *k;
  }
  const auto exe = cdp::resolve_executable(kind, f.chromium);
  if (auto why = cdp::browser_unusable(kind, headed, exe)) throw usage_error(*why);
  cdp::launch_options o;
  o.browser = kind;
  o.executable = exe.path;
  o.headed = headed;
  return o;
}

}  // namespace footfall::cli
