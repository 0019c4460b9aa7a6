#pragma once
/// The record of one session's page visits: arrive starts a visit (page_load), record appends its
/// actions, leave ends it (page_unload) and hands the finished page to a sink — the storage
/// writer in a run, the terminal in `footfall visit`. It is the one place a row is filled, so it
/// is the one place values are redacted and URL credentials stripped.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/page/page_agent.hpp"
#include "engine/persona/links.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// Both clocks at an action's start: wall time for the row, steady time for its duration.
struct action_clock {
  std::chrono::system_clock::time_point at = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  int elapsed_ms() const;
};

/// Where a finished page goes. Called on the io thread: must not block.
using page_sink = std::function<void(storage::page_record)>;
/// The page's requests since the last call (engine/page/page_agent.hpp take_requests).
using request_source = std::function<std::vector<cdp::request_record>()>;

/// A finished request of visit `v` as its row, `order`-th (1-based) of the visit (its URL is
/// already without credentials: cdp/). The recorder's, and a recorded popup's (popups.hpp).
storage::request_row request_row_of(cdp::request_record&& r, const storage::page_visit_row& v,
                                    std::size_t order);

class visit_recorder {
 public:
  visit_recorder(storage::uuid session_id, page_sink sink);

  /// The session's attempt, copied into every visit: the writer's fencing token
  /// (storage/leases.hpp) — a visit without it is fenced off.
  void set_attempt(int attempt) { attempt_ = attempt; }
  /// Page health: where leave() takes the ending visit's requests (none: requests are not
  /// recorded and request_count stays NULL). Replaced when the journey moves to another tab.
  void set_request_source(request_source s) { requests_ = std::move(s); }
  /// Lateness of a pause timer (issue 10); summed and charged to the next recorded action as
  /// start_lag_ms.
  void add_start_lag(double ms) { start_lag_ms_ += ms; }
  /// actions.input_timing (migration 0040) of the input just sent; stored on the next recorded
  /// action (the one that input performed).
  void set_input_timing(std::string json) { input_timing_ = std::move(json); }

  /// Starts the visit of the page that just loaded and records its page_load (duration: the
  /// page's own load time, else `load_ms`). `kind`: how the visitor got there (navigation_kind:
  /// cross_document, same_document for an SPA route).
  void arrive(const arrival& a, double load_ms, const char* kind = "cross_document");
  /// Stores what the last recorded action caused (navigation_kind) on it.
  void note_navigation(std::string kind);
  /// Takes the next visit number for a visit recorded elsewhere (a popup: engine/journey/popups.hpp).
  int next_visit_order() { return ++pages_; }
  /// Ends the current visit with the page's last facts (nullptr when the document is gone),
  /// records page_unload and hands the page to the sink. Nothing when no visit is open.
  void leave(const page_facts* last);
  /// Appends an action on `target` (may be null). `input` is redacted when the target is a
  /// secret field or the value looks like one.
  storage::action_row& record(storage::action_type type, const element_target* target,
                              const action_clock& clock,
                              std::optional<std::string> input = std::nullopt);
  /// Appends an action at a point with no element (a scroll: where the pointer was).
  storage::action_row& record_at(storage::action_type type, cdp::point at,
                                 const action_clock& clock, std::string input);

  bool in_visit() const { return in_visit_; }
  const storage::page_visit_row& visit() const { return visit_; }
  const std::vector<link_candidate>& links() const { return links_; }
  int pages() const { return pages_; }
  /// Actions recorded on the current visit so far (the order of the last one).
  int visit_actions() const { return static_cast<int>(actions_.size()); }
  /// A value was redacted on the current visit: the page now shows a secret (no trace frame).
  bool secret_typed() const { return secret_typed_; }
  int total_actions() const { return total_actions_; }
  /// navigator.webdriver as the last page reported it.
  std::optional<bool> webdriver() const { return webdriver_; }
  /// The most headless-shell tells any page showed (page_facts::embedder_tells).
  std::optional<double> embedder_tells() const { return embedder_tells_; }

 private:
  storage::action_row& append(storage::action_type type, const action_clock& clock);

  storage::uuid session_id_;
  page_sink sink_;
  storage::page_visit_row visit_;
  std::vector<storage::action_row> actions_;
  std::vector<link_candidate> links_;
  bool in_visit_ = false;
  bool secret_typed_ = false;
  int pages_ = 0;
  int total_actions_ = 0;
  int attempt_ = 0;
  double start_lag_ms_ = 0;
  std::optional<std::string> input_timing_;
  std::optional<bool> webdriver_;
  std::optional<double> embedder_tells_;
  request_source requests_;
};

}  // namespace footfall::engine
