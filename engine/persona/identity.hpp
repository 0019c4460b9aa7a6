#pragma once
/// One consistent identity per session: the user agent a session was given decides
/// navigator.platform, the client hints (navigator.userAgentData, Sec-CH-UA*) and a screen and
/// window that a real device with that browser could have around the session's viewport.
/// Pure: the same user agent and viewport always give the same identity. navigator.webdriver is
/// not part of it: footfall discloses automation.
#include <string>

#include "cdp/emulation.hpp"
#include "cdp/page.hpp"

namespace footfall::engine {

/// What the page may see of the device besides the user agent string.
struct device_identity {
  std::string platform;           ///< navigator.platform ("Win32", "MacIntel", "Linux x86_64")
  cdp::ua_metadata client_hints;  ///< empty for browsers that send none (Firefox, Safari)
  cdp::screen_geometry screen;    ///< screen >= outer window >= viewport
  /// navigator.languages: an en-US install of Chrome says "en-US,en"; without it the headless
  /// shell would say "en-US" alone (bench_fingerprint), a difference the page could read.
  std::string accept_language = "en-US,en";
};

/// The identity for `user_agent` around a viewport of `width` x `height` CSS pixels.
device_identity identity_for(const std::string& user_agent, int width, int height);

/// Sets the identity for `o.user_agent` and `o`'s viewport on `o` (platform, hints, screen).
void apply_identity(cdp::page_options& o);

/// Chromium's brand list for a major version (the GREASE algorithm of
/// components/embedder_support/user_agent_utils.cc): `brand` ("Google Chrome"), "Chromium" and
/// a "Not?A_Brand" entry, in the order that version uses.
std::vector<cdp::ua_brand> chromium_brands(int major, const std::string& brand,
                                           const std::string& version_text);

}  // namespace footfall::engine
