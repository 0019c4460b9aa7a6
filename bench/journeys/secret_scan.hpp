#pragma once
// bench/journeys: "secrets found". Every text footfall left — the database dumped as text, each
// run's stdout and stderr, each report in every format, the PostgreSQL server log — searched for
// the values the visitors typed and the URL password.
#include <map>
#include <string>
#include <vector>

namespace footfall::bench {

/// What is searched for, and why (the values are the engine's own: engine/journey/session_actions.cpp
/// text_for_field types "Pa55word" + two digits into password fields and "4111 1111 1111 1111"
/// into card fields; the bench puts "s3cr3t" in start URLs). A typing correction splits a value
/// into runs (one `type` row each), so the needles are also the values' first and middle parts.
struct needle {
  std::string label;
  std::string text;
};
const std::vector<needle>& secret_needles();

/// One searched text and where it came from.
struct scanned {
  std::string source;               ///< "database", "run logs", "reports", "server log", ...
  std::string name;                 ///< file or campaign
  std::map<std::string, int> hits;  ///< needle label -> occurrences
};

/// Occurrences of every needle in `text`.
std::map<std::string, int> scan(const std::string& text);

/// Total of every hit.
int total_hits(const std::vector<scanned>& all);

}  // namespace footfall::bench
