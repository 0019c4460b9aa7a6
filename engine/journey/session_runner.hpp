#pragma once
/// One simulated visitor: a browser context with its user agent and viewport, a seeded journey
/// of pages and actions with human-like real input, every action recorded through the writer.
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "cdp/page.hpp"
#include "engine/journey/session_env.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// What became of a session.
struct session_outcome {
  storage::session_status status = storage::session_status::completed;
  int pages = 0;
  int actions = 0;
  std::string error;
};

/// Runs one claimed session to its end and writes its final row (and every page) through the
/// writer. Never throws for the session's own failures: they become its status.
boost::asio::awaitable<session_outcome> run_session(std::shared_ptr<session_env> env,
                                                    storage::session_row row);

/// The user agent and viewport a session gets, drawn from its seed (used when materializing).
void assign_identity(const storage::campaign& c, const campaign_settings& s,
                     storage::session_row& row);

/// How a session's page is opened: its user agent and viewport (assign_identity), with the
/// platform, client hints and screen that go with them (engine/persona/identity.hpp), and commands
/// timing out after the navigation timeout. `run` and `visit` both open their page with it.
cdp::page_options session_page_options(const storage::session_row& row,
                                       int navigation_timeout_ms);

}  // namespace footfall::engine
