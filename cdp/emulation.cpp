// Identity commands: device metrics with a screen, user agent with platform and client hints,
// window bounds.
#include "cdp/emulation.hpp"

#include "cdp/connection.hpp"
#include "cdp/page.hpp"

namespace footfall::cdp {

namespace {

json brands_json(const std::vector<ua_brand>& v) {
  json a = json::array();
  for (const auto& b : v) a.push_back({{"brand", b.brand}, {"version", b.version}});
  return a;
}

}  // namespace

json to_json(const ua_metadata& m) {
  return {{"brands", brands_json(m.brands)},
          {"fullVersionList", brands_json(m.full_version_list)},
          {"platform", m.platform},
          {"platformVersion", m.platform_version},
          {"architecture", m.architecture},
          {"model", m.model},
          {"mobile", m.mobile},
          {"bitness", m.bitness},
          {"wow64", m.wow64}};
}

json device_metrics(const page_options& o) {
  json m = {{"width", o.viewport_width},
            {"height", o.viewport_height},
            {"deviceScaleFactor", o.device_scale_factor},
            {"mobile", o.client_hints.mobile}};
  if (o.screen.width > 0 && o.screen.height > 0) {
    m["screenWidth"] = o.screen.width;
    m["screenHeight"] = o.screen.height;
    m["positionX"] = o.screen.window_x;
    m["positionY"] = o.screen.window_y;
  }
  return m;
}

json user_agent_override(const page_options& o) {
  if (o.user_agent.empty()) return nullptr;
  json ua = {{"userAgent", o.user_agent}};
  if (!o.platform.empty()) ua["platform"] = o.platform;
  if (!o.client_hints.empty()) ua["userAgentMetadata"] = to_json(o.client_hints);
  if (!o.accept_language.empty()) ua["acceptLanguage"] = o.accept_language;
  return ua;
}

asio::awaitable<void> apply_window(std::shared_ptr<connection> c, target_id target,
                                   screen_geometry g) {
  if (g.outer_width <= 0 || g.outer_height <= 0) co_return;
  json q = {{"targetId", target.value}};
  auto w = co_await c->send("Browser.getWindowForTarget", std::move(q));
  json bounds = {{"left", g.window_x},
                 {"top", g.window_y},
                 {"width", g.outer_width},
                 {"height", g.outer_height}};
  json set = {{"windowId", w.at("windowId")}, {"bounds", std::move(bounds)}};
  co_await c->send("Browser.setWindowBounds", std::move(set));
}

}  // namespace footfall::cdp
