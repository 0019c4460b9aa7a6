#pragma once
/// The identity a target presents (user agent, client hints, platform, screen) and the commands
/// that apply it to a paused target before its first byte, so pages, popups and cross-origin
/// frames of one session all tell the same story.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/json.hpp"

namespace footfall::cdp {

class connection;
struct page_options;

/// One entry of navigator.userAgentData.brands (Emulation.UserAgentBrandVersion).
struct ua_brand {
  std::string brand;
  std::string version;
};

/// User-Agent client hints (Emulation.UserAgentMetadata). Empty platform = none sent, and
/// Chromium then reports an empty brand list.
struct ua_metadata {
  std::vector<ua_brand> brands;             ///< major versions ("124")
  std::vector<ua_brand> full_version_list;  ///< full versions ("124.0.6367.60")
  std::string platform;                     ///< "Windows", "macOS", "Linux"
  std::string platform_version;             ///< "15.0.0", "14.4.1", "6.5.0"
  std::string architecture = "x86";
  std::string model;
  std::string bitness = "64";
  bool mobile = false;
  bool wow64 = false;
  bool empty() const { return platform.empty(); }
};

/// Emulation.UserAgentMetadata as JSON.
json to_json(const ua_metadata& m);

/// The screen and browser window a page sees; 0 = leave Chromium's (headless: an 800x600
/// screen and window, so outerWidth < innerWidth once the viewport is emulated larger).
struct screen_geometry {
  int width = 0;         ///< screen.width / screen.height
  int height = 0;
  int outer_width = 0;   ///< window.outerWidth / outerHeight (viewport + browser chrome)
  int outer_height = 0;
  int window_x = 0;      ///< window.screenX / screenY
  int window_y = 0;
};

/// Emulation.setDeviceMetricsOverride parameters for `o` (viewport, scale, screen).
json device_metrics(const page_options& o);
/// Emulation.setUserAgentOverride parameters for `o`; null when o.user_agent is empty.
json user_agent_override(const page_options& o);

/// Sizes and places the browser window holding `target` (Browser.setWindowBounds) so
/// window.outer* and screenX/Y match `g`; nothing when g.outer_width is 0.
asio::awaitable<void> apply_window(std::shared_ptr<connection> c, target_id target,
                                   screen_geometry g);

}  // namespace footfall::cdp
