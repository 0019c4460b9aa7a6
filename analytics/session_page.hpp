#pragma once
/// The session page (issue 13): one self-contained HTML file for one session — its filmstrip,
/// each action with its timing and its recorded point drawn over the frame it was performed on,
/// and the page's console errors and failed requests inline at their time. Pure: takes the rows,
/// returns the text. No script, no external resource: frames are data: URIs, markers are CSS.
#include <string>

#include "storage/traces.hpp"

namespace footfall::analytics {

/// Renders the page. `trace` may be null (no trace stored): the actions are listed alone.
std::string render_session_page(const storage::traced_session& s,
                                const storage::session_trace* trace);

/// The command that renders a session's page (what JUnit failures link to).
std::string session_page_command(const std::string& campaign_id, const std::string& session_id);
/// The command that replays a session (`footfall replay`, engine/cli/cmd_replay.cpp).
std::string replay_command(const std::string& session_id);

}  // namespace footfall::analytics
