#pragma once
/// One session on its own, stored nowhere: `footfall visit`. It runs the same journey code as a
/// campaign's session (run_session: the persona's pages and actions, popups, robots.txt, page
/// health, limits) in a browser of its own, and hands its rows to the caller's sink instead of
/// the storage writer. No database, no lease, no counters.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

#include "cdp/launcher.hpp"
#include "engine/config/config.hpp"
#include "engine/journey/session_env.hpp"
#include "engine/journey/session_runner.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

struct single_session_options {
  storage::campaign campaign;  ///< its seed, rate limit, robots rule, user agents
  campaign_settings settings;
  storage::persona persona;
  /// start_url, session_index (the journey's and the identity's seed) and the identity
  /// (assign_identity); an id is made when it has none.
  storage::session_row row;
  cdp::launch_options launch;  ///< the recorded sessions' flags (launch_flags.hpp) are added
  double pace = 1.0;
};

/// What `footfall visit` asks for: a start URL, and a campaign file or none.
struct visit_request {
  std::string url;
  std::uint64_t seed = 1;  ///< the session index whose journey and identity it runs
  long timeout_ms = 30000;
  double pace = -1;  ///< < 0: the campaign's pace, else 1 (human timing)
  cdp::launch_options launch;
  std::filesystem::path campaign_path;  ///< where `file` was read (for personas/ beside it)
  const campaign_file* file = nullptr;  ///< none: the built-in visit persona
};

/// The session `visit` runs, starting at its URL: the campaign file's persona — inline, else
/// personas/NAME.json beside the file (`run` would look in its database first; visit has none),
/// else the built-in visit_persona() with a warning — with the identity `run` gives session
/// `seed` (assign_identity); without a file, the built-in persona with Chromium's own identity.
/// A named persona's bad file throws config_error (before any browser starts).
single_session_options visit_session(const visit_request& r);

/// Runs the session on the calling coroutine's executor (CDP's io thread); `blocking` launches
/// and reaps the browser. Returns what became of it; its rows went to `sink` on the io thread.
/// The browser is gone when it returns.
boost::asio::awaitable<session_outcome> run_single_session(single_session_options o,
                                                           session_sink& sink,
                                                           boost::asio::any_io_executor blocking);

}  // namespace footfall::engine
