#pragma once
/// Core Web Vitals of one document, computed as Chrome's web-vitals library (v5/v6) computes them,
/// from what footfall can observe without the page seeing anything:
///  * LCP and CLS from the PerformanceTimeline domain (timelineEventAdded, types
///    largest-contentful-paint and layout-shift): no JavaScript at all;
///  * FCP, TTFB and the Event Timing entries of interactions from a buffered PerformanceObserver
///    in footfall's isolated world (engine/page_script.cpp), read when the visit ends.
/// Definitions (GoogleChrome/web-vitals src/onLCP.ts, onCLS.ts, onINP.ts):
///  * LCP: the last largest-contentful-paint candidate, ms after the document's time origin.
///    Chromium stops emitting candidates at the first input — a click, a key, and also a wheel or
///    touch scroll — so for a persona that scrolls early, LCP is the largest paint before that
///    scroll, exactly what a real visitor scrolling as early would be measured at (an image that
///    paints later does not count).
///  * CLS: shifts without recent input, grouped in session windows (a shift joins the window if it
///    comes < 1 s after the previous one and < 5 s after the window's first); the largest window's
///    sum. 0 when the page painted and nothing shifted.
///  * INP: Event Timing entries with interactionId > 0 (a moving pointer makes hover entries with
///    interactionId 0, which are not interactions: sitespeedio/browsertime#2456), grouped by
///    interactionId with the longest duration; of the 10 worst, the one at
///    min(9, floor(interactions / 50)): the worst, dropping one per 50 interactions. Absent when
///    the visitor did not interact.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdp/json.hpp"

namespace footfall::cdp {

struct layout_shift_entry {
  double start_ms = 0;  ///< after the time origin
  double value = 0;
  bool had_recent_input = false;
};

struct interaction_entry {
  std::int64_t interaction_id = 0;
  double duration_ms = 0;
};

/// A document's vitals; absent when not observed.
struct web_vitals {
  std::optional<double> lcp_ms, cls, inp_ms, fcp_ms, ttfb_ms;
  int interactions = 0;  ///< distinct interactions seen
};

/// web-vitals' CLS: the largest session window's sum.
double cumulative_layout_shift(const std::vector<layout_shift_entry>& shifts);
/// web-vitals' INP; absent without an interaction (entries with interaction_id 0 are ignored).
/// `interaction_count`: performance.interactionCount when the browser has it, else the number of
/// distinct ids seen.
std::optional<double> interaction_to_next_paint(const std::vector<interaction_entry>& entries,
                                                std::optional<int> interaction_count = {});

/// What the isolated world's observer reports at the end of a visit (engine/page_script.cpp).
struct page_timing_report {
  double time_origin_ms = 0;  ///< performance.timeOrigin (ms since the epoch)
  std::optional<double> fcp_ms, ttfb_ms;
  std::vector<interaction_entry> interactions;  ///< all of them, or the page's ten longest
  std::optional<int> interaction_count;          ///< performance.interactionCount
  /// Distinct interactions the page saw when `interactions` holds only its longest ones.
  std::optional<int> distinct_interactions;
};

/// What the tracker reads of a PerformanceTimeline.timelineEventAdded's params.
struct timeline_entry {
  std::string frame, type;
  double time_s = 0;
  std::optional<layout_shift_entry> shift;  ///< value and had_recent_input (start_ms unused)
};

/// The main frame's PerformanceTimeline events of one page. Sans-io: feed it
/// PerformanceTimeline.timelineEventAdded params, then compute() with the world's report.
class vitals_tracker {
 public:
  /// The events of other frames (iframes) are ignored: Core Web Vitals are the top document's.
  explicit vitals_tracker(std::string main_frame_id = {}) : frame_(std::move(main_frame_id)) {}
  void set_main_frame(std::string id) { frame_ = std::move(id); }
  void on_timeline_event(const json& params);
  /// The same from the params' text (connection::subscribe_text, json_text.hpp); text that
  /// object_view does not read is parsed whole.
  void on_timeline_event_text(std::string_view params);
  /// A new document in the main frame: what was seen belongs to the previous one.
  void reset();
  /// The vitals of the document whose time origin the report carries. Timeline entries from
  /// before that origin (a previous document's, arriving late) are left out.
  web_vitals compute(const page_timing_report& report) const;
  /// Raw counts, for tests and logs.
  std::size_t lcp_candidates() const { return lcp_epoch_ms_.size(); }
  std::size_t layout_shifts() const { return shifts_.size(); }

  /// PerformanceTimeline.enable's parameters.
  static json enable_params();

 private:
  std::string frame_;
  std::vector<double> lcp_epoch_ms_;
  struct shift {
    double epoch_ms;
    double value;
    bool had_recent_input;
  };
  std::vector<shift> shifts_;
  void add(const timeline_entry& t);
};

}  // namespace footfall::cdp
