#pragma once
/// Actions as small composable coroutines (the shape of chromedp's Action/Tasks): each takes an
/// action_context by value — the page, its agent, the visit recorder, the pace and the RNG —
/// sends real input through cdp/ and records what the page received. `footfall run`'s personas,
/// `footfall visit` and bench/sessions are all built from these.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cdp/input_model.hpp"
#include "engine/journey/action_context.hpp"

namespace footfall::engine {

/// One step of a journey.
using action = std::function<boost::asio::awaitable<void>(action_context)>;
/// Runs `steps` in order (chromedp's Tasks).
boost::asio::awaitable<void> run_actions(action_context c, std::vector<action> steps);

/// Sleeps a paced human duration (plus slow-mo).
boost::asio::awaitable<void> pause(action_context c, double human_ms);
/// Moves the pointer to `to` along a human path for a target `width` wide (one event at pace 0).
/// Returns the path (for actions.input_timing).
boost::asio::awaitable<std::vector<mouse_step>> move_to(action_context c, cdp::point to,
                                                        double width);
/// Moves over `t` and sets the hover row's input_timing: where in the element and the path
/// (human_dispatch.hpp pointer_timing_json), as a click's has.
boost::asio::awaitable<void> hover_over(action_context c, element_target t);
/// Aim, then check: moves to the target, asks the page what is under the pointer, re-aims when
/// the layout moved the element (twice at most), then presses `count` times. Returns the
/// element that was really under the pointer at press time, which is what must be recorded.
boost::asio::awaitable<element_target> press(action_context c, element_target t,
                                             cdp::mouse_button button = cdp::mouse_button::left,
                                             int count = 1);
/// A question to the page agent for one target (pick, target, depart...), asked again after
/// each scroll.
using target_query = std::function<boost::asio::awaitable<std::optional<element_target>>()>;
/// What reveal found: the target in view, none, or one still out of view after the last gesture.
struct revealed {
  std::optional<element_target> target;
  bool out_of_reach = false;  ///< still out of view after max_reveal_gestures
};
inline constexpr int max_reveal_gestures = 5;
/// Asks `ask`; while the answer is out of view (element_target::scroll_by), moves the pointer
/// over the scroll container, wheels it with the session's device (one wheel event at pace 0),
/// records a scroll_to_element row (input_timing: device and deltas) and asks again — at most
/// max_reveal_gestures times. The page script never scrolls by itself (issue 11).
boost::asio::awaitable<revealed> reveal(action_context c, target_query ask);

/// Loads `url`, waits for its load event and starts its visit.
boost::asio::awaitable<void> open_page(action_context c, std::string url,
                                       std::chrono::milliseconds timeout);
/// Scrolls by (dx, dy) with the session's device model (pace 0: one wheel event); returns
/// {"device":…, "deltas":[…]} for actions.input_timing. Rests the pointer over the content first.
boost::asio::awaitable<nlohmann::json> human_scroll(action_context c, double dx, double dy);
/// One wheel gesture of `delta_y` px at the pointer (a scroll row).
boost::asio::awaitable<void> wheel(action_context c, double delta_y);
/// Moves over the named element (hover row). Throws element_not_found when not actionable.
boost::asio::awaitable<void> hover(action_context c, std::string selector);
/// Clicks the named element (click row).
boost::asio::awaitable<void> click(action_context c, std::string selector);
/// Clicks the named field and types `text` (click + type rows; secrets redacted).
boost::asio::awaitable<void> type_into(action_context c, std::string selector, std::string text);
/// Clicks the named link and starts the visit of the page it loads (or of the route it shows);
/// a link that does not navigate leaves the visit as it is.
boost::asio::awaitable<void> follow(action_context c, std::string selector,
                                    std::chrono::milliseconds timeout);
/// Leaves by the first actionable link among `link_indexes` (visit_recorder::links() order):
/// clicks it (closing an overlay in the way first, up to twice) and follows what the click did
/// (engine/journey/click_outcome.hpp): a new document or route is the next visit; a popup, a page that
/// never loads or nothing at all leave the visit open. False when no candidate was actionable.
boost::asio::awaitable<bool> follow_link(action_context c, std::vector<int> link_indexes,
                                         std::chrono::milliseconds timeout);
/// Types `text` into the focused `field` as runs of keys (type rows) and typo Backspaces
/// (key_press rows), paced like a person or in bursts at pace 0.
boost::asio::awaitable<void> type_keys(action_context c, element_target field, std::string text);

/// Wraps a named-target action as a journey step.
action step(boost::asio::awaitable<void> (*fn)(action_context, std::string), std::string selector);

}  // namespace footfall::engine
