// One consistent identity per user agent (pure): platform, client hints, screen geometry.
#include <doctest/doctest.h>

#include "engine/config/config.hpp"
#include "engine/persona/identity.hpp"

using namespace footfall::engine;

namespace {
std::vector<std::string> brand_names(const std::vector<footfall::cdp::ua_brand>& v) {
  std::vector<std::string> out;
  for (const auto& b : v) out.push_back(b.brand + "/" + b.version);
  return out;
}
}  // namespace

TEST_CASE("identity: brand lists match what real Chrome 124 and Edge 123 send") {
  // Sec-CH-UA captured from Chrome 124 and Edge 123 on Windows 11.
  CHECK(brand_names(chromium_brands(124, "Google Chrome", "124")) ==
        std::vector<std::string>{"Chromium/124", "Google Chrome/124", "Not-A.Brand/99"});
  CHECK(brand_names(chromium_brands(123, "Microsoft Edge", "123")) ==
        std::vector<std::string>{"Microsoft Edge/123", "Not:A-Brand/8", "Chromium/123"});
}

TEST_CASE("identity: each default user agent gets its own platform and client hints") {
  const auto& agents = default_user_agents();
  REQUIRE(agents.size() == 4);
  const auto win = identity_for(agents[0], 1280, 800);
  CHECK(win.platform == "Win32");
  CHECK(win.client_hints.platform == "Windows");
  CHECK(brand_names(win.client_hints.brands) ==
        std::vector<std::string>{"Chromium/124", "Google Chrome/124", "Not-A.Brand/99"});
  const auto mac = identity_for(agents[1], 1280, 800);
  CHECK(mac.platform == "MacIntel");
  CHECK(mac.client_hints.platform == "macOS");
  const auto linux_ = identity_for(agents[2], 1280, 800);
  CHECK(linux_.platform == "Linux x86_64");
  CHECK(linux_.client_hints.platform == "Linux");
  const auto edge = identity_for(agents[3], 1280, 800);
  CHECK(edge.platform == "Win32");
  CHECK(edge.client_hints.brands.front().brand == "Microsoft Edge");
  for (const auto* id : {&win, &mac, &linux_, &edge}) {
    CHECK_FALSE(id->client_hints.mobile);
    CHECK(id->client_hints.full_version_list.size() == 3);
  }
}

TEST_CASE("identity: screen >= outer window >= viewport, for every viewport") {
  for (const auto& ua : default_user_agents())
    for (const auto& [w, h] : std::vector<std::pair<int, int>>{
             {1280, 800}, {1366, 768}, {1920, 1080}, {390, 844}, {2400, 1300}, {800, 600}}) {
      const auto g = identity_for(ua, w, h).screen;
      INFO(ua << " " << w << "x" << h);
      CHECK(g.outer_width >= w);
      CHECK(g.outer_height > h);  // a desktop window has a toolbar
      CHECK(g.width >= g.outer_width);
      CHECK(g.height >= g.outer_height);
      CHECK(g.window_x >= 0);
      CHECK(g.window_x + g.outer_width <= g.width);
    }
  // A 1280x800 Windows viewport is a 1296x888 window: the smallest common screen that holds it
  // above a 48 px taskbar is 1680x1050.
  const auto g = identity_for(default_user_agents()[0], 1280, 800).screen;
  CHECK(g.outer_width == 1296);
  CHECK(g.outer_height == 888);
  CHECK(g.width == 1680);
  CHECK(g.height == 1050);
}

TEST_CASE("identity: browsers without client hints send none, Android is mobile") {
  const auto ff = identity_for(
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", 1280,
      800);
  CHECK(ff.platform == "Win32");
  CHECK(ff.client_hints.empty());
  const auto android = identity_for(
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Mobile Safari/537.36",
      412, 915);
  CHECK(android.client_hints.mobile);
  CHECK(android.client_hints.platform == "Android");
  CHECK(android.screen.outer_width == 412);
  CHECK(android.screen.width == 412);
}
