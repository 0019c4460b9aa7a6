#pragma once
/// Internal to the page agent (page_agent.cpp, page_agent_frames.cpp): footfall's worlds, the
/// agent's shared state and the calls both files make.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cdp/connection.hpp"
#include "engine/page/page_agent.hpp"
#include "engine/page/page_health.hpp"
#include "engine/page/page_script_api.hpp"

namespace footfall::engine {
namespace agent_detail {

/// One isolated world of footfall's script: the main frame's or an out-of-process iframe's.
struct frame_world {
  cdp::session session;
  std::string frame_id;
  std::optional<long> context;
  /// The out-of-process frame this one is nested in; null: the main frame (or this is it).
  std::shared_ptr<frame_world> parent;
};

/// Where an out-of-process iframe sits: its element's selector in the page, and where its
/// viewport starts in the top viewport.
struct frame_box {
  std::string selector;
  cdp::point offset;
  std::optional<cdp::point> scroll_by, wheel_at;  ///< out of view: where and how far to wheel
};

/// A target of the script as a struct (nullopt for none).
std::optional<element_target> parse_target(const nlohmann::json& j);
/// The script's name of a pick kind.
const char* kind_name(pick_kind k);
/// Runtime.callFunctionOn's value; javascript_error when the function threw.
nlohmann::json result_value(nlohmann::json& r);
/// The world's execution context (Page.createIsolatedWorld when not known).
boost::asio::awaitable<long> context_of(std::shared_ptr<frame_world> w);
/// Calls __ff.<method>(...args) in world `w` (after two animation frames when `settle`),
/// installing the script there first when the world has none. `pointer`: where the engine's
/// pointer is in that world's viewport (the script wheels from there when it can).
boost::asio::awaitable<nlohmann::json> call_in(std::shared_ptr<frame_world> w,
                                               script_function method, nlohmann::json args,
                                               bool settle,
                                               std::optional<cdp::point> pointer = std::nullopt);
/// A point of the script's ([x, y]), when `j` is one.
std::optional<cdp::point> point_of(const nlohmann::json& j);

}  // namespace agent_detail

/// Shared with the event handlers (which hold it weakly): footfall's worlds (the main frame's,
/// whose context Runtime events report, and one per out-of-process iframe, made on demand) and
/// the current document's error counters.
struct page_agent::state {
  using frame_world = agent_detail::frame_world;
  using frame_box = agent_detail::frame_box;
  frame_world main;
  std::vector<std::shared_ptr<frame_world>> oopifs;
  std::shared_ptr<frame_world> last_world;  ///< where the last target was chosen; null = main
  frame_box last_box;                       ///< that frame's place in the top viewport
  int console_errors = 0;
  int failed_requests = 0;
  std::string document_url;  ///< the main frame's current document
  /// Where the engine's pointer is (top viewport).
  const cdp::point& main_pointer() const { return page.mouse().position; }
  cdp::page page;
  std::vector<cdp::subscription> subscriptions;
  std::unique_ptr<page_health> health;  ///< null: page health off
};

namespace agent_detail {

/// Notes out-of-process iframes (nested ones too) as cdp/ attaches them, keeps st->oopifs in
/// step and counts each frame's console errors, exceptions and failed requests with the page's.
void watch_out_of_process_frames(std::shared_ptr<page_agent::state> st);
/// Counts the page's errors reported on session `s` (the main frame's or a frame's); `world`:
/// footfall's world there, whose own exceptions are not the page's.
void count_errors(std::weak_ptr<page_agent::state> weak, const cdp::session& s,
                  std::weak_ptr<frame_world> world, std::vector<cdp::subscription>& subs);

}  // namespace agent_detail

}  // namespace footfall::engine
