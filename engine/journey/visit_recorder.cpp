#include "engine/journey/visit_recorder.hpp"

#include <algorithm>
#include <cmath>

namespace footfall::engine {

using storage::action_type;

int action_clock::elapsed_ms() const {
  return static_cast<int>(std::max<long long>(
      0,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count()));
}

visit_recorder::visit_recorder(storage::uuid session_id, page_sink sink)
    : session_id_(session_id), sink_(std::move(sink)) {}

void visit_recorder::note_navigation(std::string kind) {
  if (!actions_.empty()) actions_.back().navigation_kind = std::move(kind);
}

void visit_recorder::arrive(const arrival& a, double load_ms, const char* kind) {
  const action_clock clock;
  visit_ = {};
  actions_.clear();
  secret_typed_ = false;
  visit_.id = storage::uuid::v7();
  visit_.session_id = session_id_;
  visit_.url = strip_credentials(a.facts.url).substr(0, 500);
  visit_.title = a.facts.title;
  visit_.visit_order = ++pages_;
  visit_.attempt = attempt_;
  visit_.navigation_kind = kind;
  visit_.arrived_at = clock.at;
  visit_.ttfb_ms = a.facts.ttfb_ms;
  visit_.dom_content_loaded_ms = a.facts.dom_content_loaded_ms;
  visit_.load_ms = a.facts.load_ms;
  if (a.facts.webdriver) webdriver_ = a.facts.webdriver;
  if (a.facts.embedder_tells)
    embedder_tells_ = std::max(embedder_tells_.value_or(0.0), *a.facts.embedder_tells);
  links_ = a.links;
  in_visit_ = true;
  auto& row = append(action_type::page_load, clock);
  row.duration_ms = static_cast<int>(visit_.load_ms.value_or(load_ms));
  row.element_text = visit_.title.substr(0, 100);
}

storage::request_row request_row_of(cdp::request_record&& r, const storage::page_visit_row& v,
                                    std::size_t order) {
  storage::request_row q;
  q.id = storage::uuid::v7();
  q.page_visit_id = v.id;
  q.page_arrived_at = v.arrived_at;
  q.request_order = static_cast<int>(order);
  q.url = std::move(r.url);
  q.method = std::move(r.method);
  q.resource_type = std::move(r.resource_type);
  q.status = r.status;
  q.failed = r.failed;
  q.canceled = r.canceled;
  q.error_text = std::move(r.error_text);
  q.from_cache = r.from_cache;
  q.encoded_bytes = r.encoded_bytes;
  if (!r.mime_type.empty()) q.mime_type = std::move(r.mime_type);
  if (!r.protocol.empty()) q.protocol = std::move(r.protocol);
  if (!r.redirect_url.empty()) q.redirect_url = std::move(r.redirect_url);
  q.started_at = r.started_at;
  q.duration_ms = r.duration_ms;
  q.blocked_ms = r.blocked_ms;
  q.dns_ms = r.dns_ms;
  q.connect_ms = r.connect_ms;
  q.ssl_ms = r.ssl_ms;
  q.send_ms = r.send_ms;
  q.wait_ms = r.wait_ms;
  q.receive_ms = r.receive_ms;
  return q;
}

void visit_recorder::leave(const page_facts* last) {
  if (!in_visit_) return;
  in_visit_ = false;
  const action_clock clock;
  if (last) {
    visit_.scroll_depth_percent = last->scroll_depth_percent;
    visit_.console_errors = std::max(0, last->console_errors);
    visit_.failed_requests = std::max(0, last->failed_requests);
    if (!visit_.load_ms) visit_.load_ms = last->load_ms;
    if (!visit_.dom_content_loaded_ms) visit_.dom_content_loaded_ms = last->dom_content_loaded_ms;
    if (!last->title.empty()) visit_.title = last->title;
    // Vitals are the document's: an SPA route change (same_document) has none of its own.
    if (last->vitals && visit_.navigation_kind != "same_document") {
      visit_.lcp_ms = last->vitals->lcp_ms;
      visit_.cls = last->vitals->cls;
      visit_.inp_ms = last->vitals->inp_ms;
      visit_.fcp_ms = last->vitals->fcp_ms;
    }
  }
  append(action_type::page_unload, clock);
  visit_.left_at = clock.at;
  visit_.actions_count = static_cast<int>(actions_.size());
  total_actions_ += visit_.actions_count;
  std::vector<storage::request_row> requests;
  if (requests_) {
    for (auto& r : requests_())
      requests.push_back(request_row_of(std::move(r), visit_, requests.size() + 1));
    visit_.request_count = static_cast<int>(requests.size());
  }
  storage::page_record rec{visit_, std::move(actions_), std::move(requests)};
  actions_.clear();
  sink_(std::move(rec));
}

storage::action_row& visit_recorder::append(action_type type, const action_clock& clock) {
  storage::action_row a;
  a.id = storage::uuid::v7();
  a.page_visit_id = visit_.id;
  a.page_arrived_at = visit_.arrived_at;
  a.type = type;
  a.timestamp = clock.at;
  a.action_order = static_cast<int>(actions_.size()) + 1;
  a.duration_ms = clock.elapsed_ms();
  if (start_lag_ms_ > 0) a.start_lag_ms = static_cast<int>(std::lround(start_lag_ms_));
  start_lag_ms_ = 0;
  a.input_timing = std::move(input_timing_);
  input_timing_.reset();
  actions_.push_back(std::move(a));
  return actions_.back();
}

storage::action_row& visit_recorder::record(action_type type, const element_target* target,
                                            const action_clock& clock,
                                            std::optional<std::string> input) {
  auto& a = append(type, clock);
  if (target) {
    a.element_selector = target->selector;
    // The script never reports a secret field's text; kept empty here too should it ever do.
    if (!target->secret) a.element_text = target->text;
    a.x = static_cast<int>(target->at.x);
    a.y = static_cast<int>(target->at.y);
  }
  if (input) {
    // Names and types say "secret" only for form fields (a <div id="card"> is a drag card).
    const bool field =
        target && (target->tag == "input" || target->tag == "textarea" || target->tag == "select");
    const bool secret =
        target && (target->secret || (field && must_redact(target->type, target->name,
                                                           target->autocomplete, *input)));
    a.input_value =
        secret || must_redact("", "", "", *input) ? std::string(redacted_value) : std::move(*input);
    if (a.input_value == redacted_value) secret_typed_ = true;
  }
  return a;
}

storage::action_row& visit_recorder::record_at(action_type type, cdp::point at,
                                               const action_clock& clock, std::string input) {
  auto& a = append(type, clock);
  a.x = static_cast<int>(at.x);
  a.y = static_cast<int>(at.y);
  a.input_value = std::move(input);
  return a;
}

}  // namespace footfall::engine
