#include "cdp/vitals.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "cdp/json_text.hpp"

namespace footfall::cdp {

double cumulative_layout_shift(const std::vector<layout_shift_entry>& shifts) {
  // GoogleChrome/web-vitals src/lib/LayoutShiftManager.ts and onCLS.ts.
  double best = 0, window = 0, first = 0, last = 0;
  for (const auto& s : shifts) {
    if (s.had_recent_input) continue;
    if (window > 0 && s.start_ms - last < 1000 && s.start_ms - first < 5000) {
      window += s.value;
    } else {
      window = s.value;
      first = s.start_ms;
    }
    last = s.start_ms;
    best = std::max(best, window);
  }
  return best;
}

std::optional<double> interaction_to_next_paint(const std::vector<interaction_entry>& entries,
                                                std::optional<int> interaction_count) {
  // GoogleChrome/web-vitals src/lib/InteractionManager.ts and onINP.ts.
  std::map<std::int64_t, double> latency;
  for (const auto& e : entries)
    if (e.interaction_id > 0) {
      auto& l = latency[e.interaction_id];
      l = std::max(l, e.duration_ms);
    }
  if (latency.empty()) return std::nullopt;
  std::vector<double> worst;
  for (const auto& [id, l] : latency) worst.push_back(l);
  std::sort(worst.begin(), worst.end(), std::greater<>());
  if (worst.size() > 10) worst.resize(10);
  const int count = std::max<int>(interaction_count.value_or(0), int(latency.size()));
  const auto i = std::min<std::size_t>(worst.size() - 1, std::size_t(count / 50));
  return worst[i];
}

json vitals_tracker::enable_params() {
  return {{"eventTypes", json::array({"largest-contentful-paint", "layout-shift"})}};
}

namespace {

template <class Source>
timeline_entry read_entry(const Source& params, bool& ok) {
  timeline_entry t;
  const auto e = params.object("event", ok);
  if (!e) return t;
  t.frame = e->text("frameId");
  t.type = e->text("type");
  t.time_s = e->num("time").value_or(0.0);
  if (const auto d = e->object("layoutShiftDetails", ok))
    t.shift = layout_shift_entry{0, d->num("value").value_or(0.0), d->is_true("hadRecentInput")};
  return t;
}

}  // namespace

void vitals_tracker::on_timeline_event(const json& params) {
  if (!params.is_object()) return;
  bool ok = true;
  add(read_entry(parsed_fields{params}, ok));
}

void vitals_tracker::on_timeline_event_text(std::string_view params) {
  // Layout shifts carry their sources' node rects: skipped unread.
  if (const auto t = read_fields(params, [](const auto& p, bool& ok) { return read_entry(p, ok); }))
    add(*t);
}

void vitals_tracker::add(const timeline_entry& t) {
  if (!frame_.empty() && t.frame != frame_) return;
  const double epoch_ms = t.time_s * 1000.0;
  if (t.type == "largest-contentful-paint") {
    lcp_epoch_ms_.push_back(epoch_ms);
  } else if (t.type == "layout-shift" && t.shift) {
    shifts_.push_back({epoch_ms, t.shift->value, t.shift->had_recent_input});
  }
}

void vitals_tracker::reset() {
  lcp_epoch_ms_.clear();
  shifts_.clear();
}

web_vitals vitals_tracker::compute(const page_timing_report& r) const {
  web_vitals v;
  v.fcp_ms = r.fcp_ms;
  v.ttfb_ms = r.ttfb_ms;
  const double origin = r.time_origin_ms;
  // web-vitals reports max(startTime - activationStart, 0); footfall never prerenders, so
  // activationStart is 0. Entries before this document's origin are an earlier document's.
  for (auto t = lcp_epoch_ms_.rbegin(); t != lcp_epoch_ms_.rend(); ++t)
    if (origin > 0 && *t >= origin) {
      v.lcp_ms = *t - origin;
      break;
    }
  std::vector<layout_shift_entry> shifts;
  for (const auto& s : shifts_)
    if (origin > 0 && s.epoch_ms >= origin)
      shifts.push_back({s.epoch_ms - origin, s.value, s.had_recent_input});
  // web-vitals reports CLS once FCP has fired (onCLS.ts runs onFCP first): a page that never
  // painted content has no CLS rather than a perfect 0.
  if (r.fcp_ms) v.cls = cumulative_layout_shift(shifts);
  std::set<std::int64_t> ids;
  for (const auto& e : r.interactions)
    if (e.interaction_id > 0) ids.insert(e.interaction_id);
  v.interactions = std::max(int(ids.size()), r.distinct_interactions.value_or(0));
  // With only the longest ten sent, the count of all of them sets how many INP drops.
  std::optional<int> count = r.interaction_count;
  if (r.distinct_interactions) count = std::max(count.value_or(0), *r.distinct_interactions);
  v.inp_ms = interaction_to_next_paint(r.interactions, count);
  return v;
}

}  // namespace footfall::cdp
