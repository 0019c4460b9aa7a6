#pragma once
// Generates a recorded campaign through the real storage path (repositories + writer): sessions
// with pages and actions whose timing, positions and load times follow seeded distributions.
// Header-only so bench/analytics.cpp generates its million actions the same way.
#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "storage/connection.hpp"
#include "storage/records.hpp"
#include "storage/repositories.hpp"
#include "storage/writer.hpp"

namespace footfall::test {

struct campaign_gen_options {
  std::string name = "gen";
  int sessions = 10;
  int pages = 3;              ///< per session
  int actions_per_page = 8;
  double load_ms = 120;       ///< median page load
  int console_errors_per_page = 0;
  int failed_every = 0;       ///< every k-th session fails (0: none)
  bool robotic = false;       ///< constant 500 ms intervals, instant clicks
  unsigned seed = 1;
  /// When the first session starts; sessions start 2 s apart.
  storage::time_point start = storage::clock::now() - std::chrono::minutes(30);
};

/// Stores a persona and campaign and writes the sessions through storage::writer; returns the
/// campaign (status completed when the repository allows it).
inline storage::campaign generate_campaign(const std::string& url, const campaign_gen_options& o) {
  using namespace storage;
  using std::chrono::milliseconds;
  connection c{url};
  persona p;
  p.name = o.name + "-persona-" + uuid::v7().str().substr(24);
  p = persona_repository(c).create(p);
  campaign k;
  k.name = o.name;
  k.target_url = "http://127.0.0.1:8000/";
  k.total_sessions = o.sessions;
  k.concurrent_sessions = std::min(o.sessions, 4);
  k.persona_id = p.id;
  k = campaign_repository(c).create(k);

  std::mt19937_64 rng(o.seed);
  std::lognormal_distribution<double> pause(std::log(900.0), 0.8), load(std::log(o.load_ms), 0.25);
  std::uniform_int_distribution<int> px(0, 1279), py(0, 719);
  const char* paths[] = {"", "shop", "shop/item?id=7", "about", "contact"};
  const action_type kinds[] = {action_type::hover, action_type::click, action_type::scroll,
                               action_type::scroll, action_type::type, action_type::hover};
  writer_options wo;
  wo.url = url;
  writer w{wo};
  for (int s = 0; s < o.sessions; ++s) {
    session_row row;
    row.id = uuid::v7();
    row.campaign_id = k.id;
    row.persona_id = p.id;
    row.session_index = s;
    row.start_url = k.target_url;
    row.user_agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36";
    row.viewport_width = 1280;
    row.viewport_height = 720;
    const auto t0 = o.start + std::chrono::seconds(2 * s);
    row.started_at = t0;
    row.status = session_status::running;
    w.write(row);
    auto t = t0;
    for (int v = 0; v < o.pages; ++v) {
      page_record pr;
      pr.visit.id = uuid::v7();
      pr.visit.session_id = row.id;
      pr.visit.url = k.target_url + paths[(s + v) % 5];
      pr.visit.title = "page";
      pr.visit.visit_order = v + 1;
      pr.visit.arrived_at = t;
      pr.visit.load_ms = load(rng);
      pr.visit.ttfb_ms = *pr.visit.load_ms / 4;
      pr.visit.console_errors = o.console_errors_per_page;
      pr.visit.scroll_depth_percent = 30 + (s * 7 + v * 13) % 70;
      for (int a = 0; a < o.actions_per_page; ++a) {
        action_row ar;
        ar.id = uuid::v7();
        ar.page_visit_id = pr.visit.id;
        ar.page_arrived_at = pr.visit.arrived_at;
        ar.type = kinds[(a + s) % 6];
        t += milliseconds(o.robotic ? 500 : static_cast<int>(pause(rng)));
        ar.timestamp = t;
        ar.action_order = a + 1;
        ar.duration_ms = o.robotic ? 0 : ar.type == action_type::type ? 1200 : 180;
        if (ar.type == action_type::click || ar.type == action_type::hover) {
          ar.x = px(rng);
          ar.y = py(rng);
          ar.element_selector = "a.nav";
        }
        if (ar.type == action_type::type) ar.input_value = "hello world";
        pr.actions.push_back(std::move(ar));
      }
      t += milliseconds(400);
      pr.visit.left_at = t;
      pr.visit.actions_count = o.actions_per_page;
      w.write(std::move(pr));
    }
    const bool failed = o.failed_every > 0 && s % o.failed_every == o.failed_every - 1;
    row.status = failed ? session_status::failed : session_status::completed;
    if (failed) row.error_message = "page crashed: renderer gone (session " + std::to_string(s) + ")";
    row.completed_at = t;
    row.session_duration_ms = static_cast<int>(
        std::chrono::duration_cast<milliseconds>(t - t0).count());
    row.pages_visited = o.pages;
    row.total_actions = o.pages * o.actions_per_page;
    w.write(row);
  }
  w.close();
  campaign_repository(c).transition(k.id, campaign_status::running);
  return campaign_repository(c).transition(k.id, campaign_status::completed);
}

/// generate_campaign() of `sessions` sessions named `name`, every other option its default.
inline storage::campaign generate_campaign(const std::string& url, const std::string& name,
                                           int sessions) {
  campaign_gen_options o;
  o.name = name;
  o.sessions = sessions;
  return generate_campaign(url, o);
}

}  // namespace footfall::test
