#include "cdp/vitals.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "cdp/json_text.hpp"
#include "cdp/message_repair.hpp"

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

void vitals_tracker::on_timeline_event(const json& params) {
  const auto it = params.find("event");
  if (it == params.end() || !it->is_object()) return;
  const auto& e = *it;
  const auto str = [&](const char* k) {
    const auto v = e.find(k);
    return v != e.end() && v->is_string() ? v->get<std::string>() : std::string();
  };
  const auto t = e.find("time");
  std::optional<shift> details;
  if (const auto d = e.find("layoutShiftDetails"); d != e.end() && d->is_object()) {
    const auto v = d->find("value");
    const auto r = d->find("hadRecentInput");
    details = shift{0, v != d->end() && v->is_number() ? v->get<double>() : 0.0,
                    r != d->end() && r->is_boolean() && r->get<bool>()};
  }
  add(str("frameId"), str("type"), t != e.end() && t->is_number() ? t->get<double>() : 0.0,
      details);
}

void vitals_tracker::on_timeline_event_text(std::string_view params) {
  // Layout shifts carry their sources' node rects: skipped unread.
  bool ok = true;
  if (const auto p = object_view::of(params)) {
    const auto e = p->object("event", &ok);
    if (ok) {
      if (!e) return;
      std::optional<shift> details;
      if (const auto d = e->object("layoutShiftDetails", &ok))
        details = shift{0, d->number("value").value_or(0.0), d->is_true("hadRecentInput")};
      if (ok)
        return add(e->string("frameId").value_or(""), e->string("type").value_or(""),
                   e->number("time").value_or(0.0), details);
    }
  }
  if (auto parsed = parse_message(params); parsed.ok()) on_timeline_event(parsed.value);
}

void vitals_tracker::add(const std::string& frame, const std::string& type, double time_s,
                         std::optional<shift> details) {
  if (!frame_.empty() && frame != frame_) return;
  const double epoch_ms = time_s * 1000.0;
  if (type == "largest-contentful-paint") {
    lcp_epoch_ms_.push_back(epoch_ms);
  } else if (type == "layout-shift" && details) {
    shifts_.push_back({epoch_ms, details->value, details->had_recent_input});
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
