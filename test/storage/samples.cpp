#include "samples.hpp"

#include "storage/repositories.hpp"

namespace footfall::test {
using namespace footfall::storage;

campaign store_campaign(connection& c, const std::string& name, int total) {
  persona p;
  p.name = name + "-persona";
  p = persona_repository(c).create(p);
  campaign k;
  k.name = name;
  k.target_url = "http://127.0.0.1:1/";
  k.total_sessions = total;
  k.concurrent_sessions = std::min(total, 2);
  k.persona_id = p.id;
  return campaign_repository(c).create(k);
}

session_row make_session(const campaign& c, int index, session_status st) {
  session_row s;
  s.id = uuid::v7();
  s.campaign_id = c.id;
  s.persona_id = c.persona_id;
  s.session_index = index;
  s.status = st;
  s.start_url = c.target_url;
  s.user_agent = "footfall-test";
  return s;
}

page_record make_page(const session_row& s, int order, int n, time_point arrived) {
  page_record p;
  p.visit.id = uuid::v7();
  p.visit.session_id = s.id;
  p.visit.url = s.start_url + "page" + std::to_string(order);
  p.visit.title = "Page \"" + std::to_string(order) + "\"\twith\\tab";
  p.visit.visit_order = order;
  p.visit.arrived_at = arrived;
  p.visit.left_at = arrived + std::chrono::milliseconds(n + 5);
  p.visit.actions_count = n;
  p.visit.scroll_depth_percent = 40;
  p.visit.ttfb_ms = 12.5;
  for (int i = 0; i < n; ++i) {
    action_row a;
    a.id = uuid::v7();
    a.page_visit_id = p.visit.id;
    a.page_arrived_at = arrived;
    a.type = i % 3 == 0 ? action_type::click : i % 3 == 1 ? action_type::scroll : action_type::type;
    a.element_selector = "#item-" + std::to_string(i);
    if (a.type == action_type::click) {
      a.x = 10 + i;
      a.y = 20 + i;
    }
    if (a.type == action_type::type) a.input_value = "hello\nworld";
    a.timestamp = arrived + std::chrono::milliseconds(i + 1);
    a.action_order = i + 1;
    a.duration_ms = 3;
    p.actions.push_back(std::move(a));
  }
  return p;
}

campaign store_pending_campaign(connection& c, const std::string& name, int n,
                                const std::vector<std::int64_t>& planned_offsets) {
  const auto k = store_campaign(c, name, n);
  std::vector<session_row> rows;
  for (int i = 0; i < n; ++i) {
    auto s = make_session(k, i, session_status::pending);
    s.id = {};
    if (!planned_offsets.empty()) s.planned_offset_ms = planned_offsets.at(i);
    rows.push_back(s);
  }
  session_repository(c).materialize(rows);
  return k;
}

claim_request claim_for(const campaign& k, const std::string& worker, int want, int cap) {
  claim_request r;
  r.campaign_id = k.id;
  r.worker = worker;
  r.want = want;
  r.cap = cap;
  return r;
}

writer_options writer_into(const std::string& url, const std::filesystem::path& spool,
                           std::chrono::milliseconds close_timeout) {
  writer_options o;
  o.url = url;
  o.spool_dir = spool;
  o.close_timeout = close_timeout;
  return o;
}

}  // namespace footfall::test
