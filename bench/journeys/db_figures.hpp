#pragma once
// bench/journeys: what footfall recorded of one campaign, read back from the database.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "journeys/page_probe.hpp"

namespace footfall::bench {

/// One campaign's figures as the database holds them.
struct db_figures {
  std::map<std::string, int> sessions_by_status;  ///< completed, failed, timeout, ...
  /// "failed / Page.navigate" -> count, with one example message each (failed causes only).
  std::map<std::string, int> failed_by_cause;
  std::map<std::string, std::string> cause_example;
  int input_actions = 0;  ///< every action but page_load / page_unload
  int in_frames = 0;      ///< selector through a frame (`>>frame>>`)
  int cross_site = 0;     ///< of those, through one of the campaign's cross-site iframes
  int in_shadow = 0;      ///< selector through an open shadow root (`>>shadow>>`)
  int drags = 0;
  int presses_in_frames = 0;  ///< click / double / right click / drag / type rows in frames
  int presses_in_shadow = 0;
  std::map<std::string, int> navigation_kinds;  ///< actions' outcomes (none, same_document, ...)
  int popup_visits = 0;                         ///< page visits reached as a new target
  int redacted = 0;                ///< actions whose input_value is stored as [redacted]
  int typed_in_secret_fields = 0;  ///< type rows redacted (the typing the page also saw)
  /// Pressed targets (id selectors, frames named by id) on which the page reported fewer trusted
  /// presses than the database's rows imply, each with the counts and the first row naming it.
  std::vector<std::string> unseen_targets;
  int checked_targets = 0;
};

/// Reads campaign `id`'s figures; `cross_site_frames` are the local selectors of its iframes that
/// load another site ("#cross"). `page` is what the pages reported, for the landing check.
db_figures read_db_figures(const std::string& url, const std::string& id,
                           const std::set<std::string>& cross_site_frames,
                           const std::vector<page_event>& page);

/// The class of a session's error: its first "word: " part, digits folded ("Page.navigate").
std::string error_class(const std::string& message);

}  // namespace footfall::bench
