#pragma once
/// The human models as session actions: a click with its own hold and recorded timing, typing
/// sent key by key at planned times, scrolls made with the session's device, and targets brought
/// into view by wheel input (never an instant jump). Used by session_actions.cpp and the session
/// runner; at pace 0 each falls back to the pipelined fast path (pipeline.hpp).
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cdp/input_model.hpp"
#include "engine/human_dispatch.hpp"

namespace footfall::engine {

class visitor;

/// The device and skill of the visitor's session (campaign settings + session seed).
input_persona persona_of(const visitor& v);

/// Moves along a human path to (x, y) and clicks `count` times with human holds. Returns the
/// click's actions.input_timing (hold, placement `fraction`, pointer path). At pace 0: one
/// pipelined burst, hold 0, a one-sample path.
boost::asio::awaitable<nlohmann::json> human_click(visitor& v, double x, double y, double width,
                                                   point fraction, cdp::mouse_button button,
                                                   int count);

/// Wheels by (dx, dy) with the session's device (pace 0: one wheel event). Returns
/// {"device":…, "deltas":[…]} for actions.input_timing.
boost::asio::awaitable<nlohmann::json> human_scroll(visitor& v, double dx, double dy);

/// Evaluates __footfall.<call>; while the target it returns (or its "target" member) asks to be
/// scrolled into view ({"scroll_by":[dx,dy]}), wheels there, records a scroll_to_element action
/// with its input timing, and asks again (at most 3 times; then the target becomes {"none":true}).
boost::asio::awaitable<nlohmann::json> call_in_view(visitor& v, std::string call);

/// Types `text` into the focused element as a per-key plan (the session's skill), one `type` row
/// per run of keys and a `key_press` row per correcting Backspace, each with its key holds and
/// gaps. `redact` replaces recorded values.
boost::asio::awaitable<void> human_type(visitor& v, const nlohmann::json& target, std::string text,
                                        bool redact);

}  // namespace footfall::engine
