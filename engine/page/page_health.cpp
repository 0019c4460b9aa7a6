#include "engine/page/page_health.hpp"

#include <algorithm>
#include <iterator>

namespace footfall::engine {

using nlohmann::json;

page_health::page_health(const cdp::session& s, std::string main_frame,
                         std::unique_ptr<request_feed> carried)
    : main_(carried ? std::move(carried) : std::make_unique<request_feed>()),
      tracker_(std::move(main_frame)) {
  // The handlers run on the page's io thread, like every call on this object; they die with it.
  if (main_->subs.empty()) feed(s, &main_->log, main_->subs);
  subs_.push_back(s.subscribe_text("PerformanceTimeline.timelineEventAdded",
                                   [this](std::string_view p) {
                                     tracker_.on_timeline_event_text(p);
                                   }));
  // A new document in the main frame: the timeline entries seen so far were the previous one's.
  subs_.push_back(s.subscribe("Page.frameNavigated", [this](const json& p) {
    const auto& f = p.value("frame", json::object());
    if (!f.contains("parentId")) tracker_.reset();
  }));
}

std::vector<cdp::burst_command> page_health::enable_commands() {
  return {{"Network.enable", cdp::network_enable_params()},
          {"PerformanceTimeline.enable", cdp::vitals_tracker::enable_params()}};
}

const char* page_health::world_switch_script() { return "globalThis.__ffPerf = true;"; }

cdp::burst_command page_health::network_enable_command() {
  return {"Network.enable", cdp::network_enable_params()};
}

void page_health::feed(const cdp::session& s, cdp::request_log* log,
                       std::vector<cdp::subscription>& subs) {
  // As text: request_log reads a dozen members of events that carry headers and initiator
  // stacks, and reads them without building a JSON document (cdp/json_text.hpp).
  for (const char* m : cdp::request_log_events)
    subs.push_back(s.subscribe_text(m, [log, m](std::string_view params) {
      log->on_event_text(m, params);
    }));
}

void page_health::watch_frame(const cdp::session& s) {
  auto& f = *frame_logs_.emplace_back(std::make_unique<frame_log>());
  f.session_id = s.id().value;
  feed(s, &f.feed.log, f.feed.subs);
}

void page_health::frame_detached(const std::string& session_id) {
  for (auto& f : frame_logs_)
    if (f->session_id == session_id) {
      f->detached = true;
      f->feed.subs.clear();  // nothing more comes from a detached session
    }
}

void page_health::watch_popup(const cdp::session& s, const cdp::target_id& t) {
  auto& slot = popup_logs_[t.value];
  slot = std::make_unique<request_feed>();
  feed(s, &slot->log, slot->subs);
}

std::unique_ptr<request_feed> page_health::release_popup(const cdp::target_id& t) {
  const auto it = popup_logs_.find(t.value);
  if (it == popup_logs_.end()) return nullptr;
  auto out = std::move(it->second);
  popup_logs_.erase(it);
  return out;
}

std::vector<cdp::request_record> page_health::take_requests() {
  auto all = main_->log.close();
  if (frame_logs_.empty()) return all;
  for (auto& f : frame_logs_) {
    auto more = f->feed.log.close();
    all.insert(all.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
  }
  std::erase_if(frame_logs_, [](const auto& f) { return f->detached; });
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.started_at < b.started_at; });
  return all;
}

cdp::web_vitals page_health::vitals(const cdp::page_timing_report& report) const {
  return tracker_.compute(report);
}

std::optional<cdp::page_timing_report> parse_timing_report(const json& j) {
  const auto it = j.find("perf");
  if (it == j.end() || !it->is_object()) return std::nullopt;
  const auto& p = *it;
  cdp::page_timing_report r;
  const auto num = [&](const char* k) -> std::optional<double> {
    const auto v = p.find(k);
    return v != p.end() && v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
  };
  r.time_origin_ms = num("origin").value_or(0);
  r.fcp_ms = num("fcp");
  r.ttfb_ms = num("ttfb");
  if (const auto ic = num("ic")) r.interaction_count = static_cast<int>(*ic);
  if (const auto n = num("n")) r.distinct_interactions = static_cast<int>(*n);
  if (const auto ev = p.find("ev"); ev != p.end() && ev->is_array())
    for (const auto& e : *ev)
      if (e.is_array() && e.size() == 2 && e[0].is_number() && e[1].is_number())
        r.interactions.push_back({e[0].get<std::int64_t>(), e[1].get<double>()});
  return r;
}

}  // namespace footfall::engine
