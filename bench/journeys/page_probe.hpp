#pragma once
// bench/journeys: what the pages received, from their own side. The fixture site is served with
// bench/journeys/probe.js injected into every page (each frame runs its own copy); the probe
// reports each mousedown, keydown, dragstart, drop and range change — trusted or not, in which
// frame, through which shadow root — to /__journeys/sink before the browser acknowledges the
// event. The bench compares these counts with what footfall recorded.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/http_server.hpp"

namespace footfall::bench {

/// One event the page reported.
struct page_event {
  std::string type;  ///< mousedown, keydown, dragstart, drop, change
  bool trusted = false;
  bool top = true;          ///< in the top document (else in a frame)
  bool cross_site = false;  ///< the frame's host differs from the top page's
  bool shadow = false;      ///< received inside an open shadow root
  bool secret = false;      ///< keydown in a password / cc-* field
  std::string frame;        ///< the frame's window.name ("" at the top)
  std::string target;       ///< "button#inner-a": the element that received it
};

/// What one campaign's pages received.
struct page_tally {
  int presses = 0;        ///< trusted mousedowns
  int untrusted = 0;      ///< reported events with isTrusted false (should be 0)
  int in_frames = 0;      ///< trusted mousedowns inside a frame
  int cross_site = 0;     ///< of those, in a frame of another site
  int in_shadow = 0;      ///< trusted mousedowns inside an open shadow root
  int drops = 0;          ///< trusted drop events
  int range_changes = 0;  ///< trusted change events of range inputs
  int keys = 0;           ///< trusted keydowns
  int secret_keys = 0;    ///< of those, in secret fields
};

page_tally tally(const std::vector<page_event>& events);

/// Serves the fixture site's pages with the probe and collects its reports.
class page_probe {
 public:
  /// Registers a handler on `site` for every .html file of its root, and the probe and sink
  /// routes. `probe_js` is bench/journeys/probe.js.
  page_probe(test::http_server& site, const std::filesystem::path& probe_js);
  /// Forgets every event so far (call before each campaign).
  void clear();
  /// The events since the last clear().
  std::vector<page_event> events() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace footfall::bench
