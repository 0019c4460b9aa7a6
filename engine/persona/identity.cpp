// Identity from a user agent: platform, client hints, screen and window geometry.
#include "engine/persona/identity.hpp"

#include <algorithm>
#include <array>
#include <regex>

namespace footfall::engine {

namespace {

struct os_facts {
  std::string platform;          // navigator.platform
  std::string hint_platform;     // Sec-CH-UA-Platform
  std::string platform_version;  // Sec-CH-UA-Platform-Version
  std::string architecture;
  bool mobile = false;
  int chrome_w = 0, chrome_h = 0;  // outer minus inner window size
  int reserved_h = 0;              // taskbar / menu bar below or above the window
};

// Window chrome of a desktop Chrome window (tab strip + toolbar; Windows adds 8 px borders) and
// the screen area the OS keeps for itself, as measured on stock installs. The platform versions
// are what Chrome reports there: Windows 11 is "15.0.0" (Windows 10 "10.0.0"), macOS its
// release, Linux the kernel.
os_facts os_of(const std::string& ua) {
  if (ua.find("Android") != std::string::npos)
    return {"Linux armv81", "Android", "14.0.0", "", true, 0, 0, 0};
  if (ua.find("Windows NT") != std::string::npos)
    return {"Win32", "Windows", "15.0.0", "x86", false, 16, 88, 48};
  if (ua.find("Macintosh") != std::string::npos)
    return {"MacIntel", "macOS", "14.4.1", "arm", false, 0, 79, 25};
  if (ua.find("CrOS") != std::string::npos)
    return {"Linux x86_64", "Chrome OS", "15786.48.0", "x86", false, 0, 80, 48};
  return {"Linux x86_64", "Linux", "6.5.0", "x86", false, 0, 85, 27};
}

// Common screen sizes (CSS pixels), smallest first by area: StatCounter's desktop resolutions
// and Apple's default scaled modes.
constexpr std::array<std::pair<int, int>, 10> desktop_screens{{{1280, 800},
                                                                {1366, 768},
                                                                {1440, 900},
                                                                {1536, 864},
                                                                {1600, 900},
                                                                {1680, 1050},
                                                                {1920, 1080},
                                                                {1920, 1200},
                                                                {2560, 1440},
                                                                {3840, 2160}}};

cdp::screen_geometry geometry(const os_facts& os, int width, int height) {
  cdp::screen_geometry g;
  g.outer_width = width + os.chrome_w;
  g.outer_height = height + os.chrome_h;
  if (os.mobile) {  // a phone's browser fills the screen; its toolbar sits above the viewport
    g.width = width;
    g.height = height + 56;
    g.outer_width = width;
    g.outer_height = height;
    return g;
  }
  g.width = g.outer_width;
  g.height = g.outer_height + os.reserved_h;
  for (const auto& [w, h] : desktop_screens)
    if (w >= g.outer_width && h - os.reserved_h >= g.outer_height) {
      g.width = w;
      g.height = h;
      break;
    }
  g.window_x = (g.width - g.outer_width) / 2;
  g.window_y = 0;
  return g;
}

}  // namespace

std::vector<cdp::ua_brand> chromium_brands(int major, const std::string& brand,
                                           const std::string& version_text) {
  static const std::array<const char*, 11> chars{" ", "(", ":", "-", ".", "/",
                                                 ")", ";", "=", "?", "_"};
  static const std::array<const char*, 3> grease_versions{"8", "99", "24"};
  static const std::array<std::array<int, 3>, 6> orders{
      {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}};
  const auto seed = static_cast<std::size_t>(std::max(major, 0));
  const std::string grease =
      std::string("Not") + chars[seed % 11] + "A" + chars[(seed + 1) % 11] + "Brand";
  const auto& order = orders[seed % 6];
  std::vector<cdp::ua_brand> out(3);
  out[static_cast<std::size_t>(order[0])] = {grease, grease_versions[seed % 3]};
  out[static_cast<std::size_t>(order[1])] = {"Chromium", version_text};
  out[static_cast<std::size_t>(order[2])] = {brand, version_text};
  return out;
}

device_identity identity_for(const std::string& user_agent, int width, int height) {
  device_identity id;
  const auto os = os_of(user_agent);
  id.platform = os.platform;
  id.screen = geometry(os, width, height);
  // Only Chromium-based browsers send client hints; Edge names itself, Chrome is the default.
  static const std::regex chrome(R"(Chrome/((\d+)\.[\d.]+))");
  static const std::regex edge(R"(Edg/((\d+)\.[\d.]+))");
  std::smatch m;
  if (!std::regex_search(user_agent, m, chrome)) return id;
  std::string full = m[1], brand = "Google Chrome";
  int major = std::stoi(m[2]);
  if (std::smatch e; std::regex_search(user_agent, e, edge)) {
    brand = "Microsoft Edge";
    full = e[1];
    major = std::stoi(e[2]);
  }
  auto& h = id.client_hints;
  h.brands = chromium_brands(major, brand, std::to_string(major));
  h.full_version_list = chromium_brands(major, brand, full);
  for (auto& b : h.full_version_list)
    if (b.brand.rfind("Not", 0) == 0) b.version += ".0.0.0";
  h.platform = os.hint_platform;
  h.platform_version = os.platform_version;
  h.architecture = os.architecture;
  h.mobile = os.mobile;
  h.bitness = os.mobile ? "" : "64";
  return id;
}

void apply_identity(cdp::page_options& o) {
  auto id = identity_for(o.user_agent, o.viewport_width, o.viewport_height);
  o.platform = std::move(id.platform);
  o.client_hints = std::move(id.client_hints);
  o.screen = id.screen;
  o.accept_language = std::move(id.accept_language);
}

}  // namespace footfall::engine
