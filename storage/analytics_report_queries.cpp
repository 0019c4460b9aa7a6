// Report loads and rollup maintenance (see analytics_queries.hpp).
#include <algorithm>

#include "storage/analytics_queries.hpp"
#include "storage/analytics_sql.hpp"
#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"

namespace footfall::storage {
namespace {

using namespace detail;


campaign load_campaign(pqxx::work& tx, const uuid& id) {
  const auto r = tx.exec(
      "SELECT name, COALESCE(description, ''), target_url, total_sessions, concurrent_sessions, "
      "status, persona_id, seed, settings::text, " + epoch_ms("created_at") + ", " +
      epoch_ms("started_at") + ", " + epoch_ms("completed_at") +
      " FROM campaigns WHERE id = " + quoted(tx, id));
  if (r.empty()) throw not_found_error("campaign " + id.str() + ": not found");
  const auto& f = r[0];
  campaign c;
  c.id = id;
  c.name = f[0].c_str();
  c.description = f[1].c_str();
  c.target_url = f[2].c_str();
  c.total_sessions = to_int(f[3]);
  c.concurrent_sessions = to_int(f[4]);
  c.status = parse_campaign_status(f[5].c_str()).value_or(campaign_status::pending);
  c.persona_id = to_uuid(f[6]);
  c.seed = f[7].as<std::uint64_t>(0);
  c.settings = nlohmann::json::parse(f[8].c_str(), nullptr, false);
  c.created_at = from_epoch_ms(to_double(f[9]));
  c.started_at = opt_time(f[10]);
  c.completed_at = opt_time(f[11]);
  return c;
}

void load_sessions(pqxx::work& tx, const uuid& id, campaign_dataset& d) {
  const auto r = tx.exec(
      "SELECT s.id, s.persona_id, s.session_index, s.status, s.start_url, s.user_agent, "
      "s.viewport_width, s.viewport_height, s.session_duration_ms, s.pages_visited, "
      "s.total_actions, s.error_message, " + epoch_ms("s.started_at") + ", " +
      epoch_ms("s.completed_at") + ", sa.total_duration_ms, sa.avg_page_dwell_time_ms, "
      "sa.median_page_dwell_time_ms, sa.pages_visited, sa.navigation_depth, sa.bounce_rate, "
      "sa.total_actions, sa.actions_per_page, sa.click_through_rate, sa.scroll_engagement, "
      "sa.action_variance, sa.rhythm_score, sa.pause_distribution::text, "
      "sa.detection_risk_score, sa.risk_signals::text, sa.navigator_webdriver, "
      "sa.mean_interval_ms, " + epoch_ms("s.created_at") +
      ", s.rows_rejected, s.text_repairs + (SELECT coalesce(sum(pv.text_repairs), 0) FROM "
      "page_visits pv WHERE pv.session_id = s.id)"
      " FROM sessions s LEFT JOIN session_analytics sa ON sa.session_id = s.id "
      "WHERE s.campaign_id = " + quoted(tx, id) + " ORDER BY s.session_index");
  for (const auto& f : r) {
    session_fact s;
    auto& row = s.row;
    row.id = to_uuid(f[0]);
    row.campaign_id = id;
    row.persona_id = to_uuid(f[1]);
    row.session_index = to_int(f[2]);
    row.status = parse_session_status(f[3].c_str()).value_or(session_status::pending);
    row.start_url = f[4].c_str();
    row.user_agent = f[5].c_str();
    row.viewport_width = to_int(f[6]);
    row.viewport_height = to_int(f[7]);
    row.session_duration_ms = opt<int>(f[8]);
    row.pages_visited = to_int(f[9]);
    row.total_actions = to_int(f[10]);
    if (!f[11].is_null()) row.error_message = f[11].c_str();
    row.started_at = opt_time(f[12]);
    row.completed_at = opt_time(f[13]);
    row.created_at = from_epoch_ms(to_double(f[31]));
    row.rows_rejected = to_int(f[32]);
    row.text_repairs = to_int(f[33]);  // the session's own and its pages' (migration 0100)
    if (!f[14].is_null()) {
      session_analytics_row a;
      a.session_id = row.id;
      a.campaign_id = id;
      a.persona_id = row.persona_id;
      a.total_duration_ms = f[14].as<std::int64_t>();
      a.avg_page_dwell_time_ms = opt<double>(f[15]);
      a.median_page_dwell_time_ms = opt<int>(f[16]);
      a.pages_visited = to_int(f[17]);
      a.navigation_depth = to_int(f[18]);
      a.bounce_rate = to_double(f[19]);
      a.total_actions = to_int(f[20]);
      a.actions_per_page = opt<double>(f[21]);
      a.click_through_rate = opt<double>(f[22]);
      a.scroll_engagement = opt<double>(f[23]);
      a.action_variance = opt<double>(f[24]);
      a.rhythm_score = opt<double>(f[25]);
      if (!f[26].is_null()) a.pause_distribution = nlohmann::json::parse(f[26].c_str(), nullptr, false);
      a.detection_risk_score = to_double(f[27]);
      if (!f[28].is_null()) a.risk_signals = nlohmann::json::parse(f[28].c_str(), nullptr, false);
      if (!f[29].is_null()) a.navigator_webdriver = f[29].as<bool>();
      if (!f[30].is_null()) a.mean_interval_s = to_double(f[30]) / 1000.0;
      s.analytics = std::move(a);
    }
    d.sessions.push_back(std::move(s));
  }
}

void load_visits(pqxx::work& tx, const uuid& id, campaign_dataset& d) {
  const auto r = tx.exec(
      "SELECT pv.session_id, pv.visit_order, pv.url, " + epoch_ms("pv.arrived_at") + ", " +
      epoch_ms("pv.left_at") + ", pv.scroll_depth_percent, pv.load_ms, pv.console_errors, "
      "pv.failed_requests, pv.actions_count, pv.saturated FROM page_visits pv "
      "JOIN sessions s ON s.id = pv.session_id WHERE s.campaign_id = " + quoted(tx, id) +
      " ORDER BY pv.arrived_at");
  d.visits.reserve(r.size());
  for (const auto& f : r)
    d.visits.push_back({to_uuid(f[0]),
                        {to_int(f[1]), f[2].c_str(), to_double(f[3]), opt<double>(f[4]),
                         to_int(f[5]), opt<double>(f[6]), to_int(f[7]), to_int(f[8]),
                         f[10].as<bool>()},
                        to_int(f[9])});
}

void load_actions(pqxx::work& tx, const uuid& id, std::size_t max_clicks, campaign_dataset& d) {
  const std::string from =
      " FROM actions a JOIN page_visits pv ON pv.id = a.page_visit_id "
      "AND pv.arrived_at = a.page_arrived_at JOIN sessions s ON s.id = pv.session_id "
      "WHERE s.campaign_id = " + quoted(tx, id);
  for (const auto& f : tx.exec("SELECT a.action_type, count(*)" + from + " GROUP BY 1")) {
    if (auto t = parse_action_type(f[0].c_str()))
      d.action_mix[static_cast<std::size_t>(*t)] = f[1].as<std::int64_t>();
  }
  // An even sample: every k-th click by a row number, k chosen from the count above.
  std::int64_t clicks = 0;
  for (auto t : {action_type::click, action_type::double_click, action_type::right_click})
    clicks += d.action_mix[static_cast<std::size_t>(t)];
  const std::int64_t step = std::max<std::int64_t>(1, (clicks + std::int64_t(max_clicks) - 1) /
                                                          std::int64_t(std::max<std::size_t>(1, max_clicks)));
  const auto r = tx.exec(
      "SELECT x, y, w, h FROM (SELECT a.coordinates_x AS x, a.coordinates_y AS y, "
      "s.viewport_width AS w, s.viewport_height AS h, row_number() OVER () AS n" + from +
      " AND a.action_type IN ('click', 'double_click', 'right_click') "
      "AND a.coordinates_x IS NOT NULL AND a.coordinates_y IS NOT NULL) c WHERE n % " +
      std::to_string(step) + " = 0 LIMIT " + std::to_string(max_clicks));
  for (const auto& f : r) d.clicks.push_back({to_int(f[0]), to_int(f[1]), to_int(f[2]), to_int(f[3])});
  const auto lag = tx.exec(
      "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a.start_lag_ms), "
      "percentile_cont(0.95) WITHIN GROUP (ORDER BY a.start_lag_ms), count(a.start_lag_ms)" +
      from);
  d.start_lag_p50_ms = opt<double>(lag[0][0]);
  d.start_lag_p95_ms = opt<double>(lag[0][1]);
  d.start_lag_samples = lag[0][2].as<std::int64_t>();
}

}  // namespace

campaign_dataset load_campaign_dataset(connection& c, const uuid& campaign_id,
                                       std::size_t max_clicks) {
  return transact(c, "loading report data of campaign " + campaign_id.str(), [&](pqxx::work& tx) {
    campaign_dataset d;
    d.info = load_campaign(tx, campaign_id);
    load_sessions(tx, campaign_id, d);
    load_visits(tx, campaign_id, d);
    load_actions(tx, campaign_id, max_clicks, d);
    tx.commit();
    d.analytics = load_campaign_analytics(c, campaign_id);
    d.arrivals = load_arrival_stats(c, campaign_id);
    if (d.arrivals) d.arrival_minutes = load_arrivals_per_minute(c, campaign_id);
    return d;
  });
}

std::int64_t rebuild_campaign_rollups(connection& c, const uuid& campaign_id) {
  return transact(c, "rebuilding rollups of campaign " + campaign_id.str(), [&](pqxx::work& tx) {
    const auto n = tx.exec1("SELECT rollup_rebuild_campaign(" + quoted(tx, campaign_id) + ")")[0]
                       .as<std::int64_t>();
    tx.commit();
    return n;
  });
}

std::int64_t refresh_rollups(connection& c) {
  return transact(c, "refreshing rollups", [&](pqxx::work& tx) {
    const auto n = tx.exec1("SELECT rollup_refresh()")[0].as<std::int64_t>();
    tx.commit();
    return n;
  });
}

std::vector<rollup_row> load_rollups(connection& c, const uuid& campaign_id,
                                     const std::string& granularity) {
  return transact(c, "reading rollups of campaign " + campaign_id.str(), [&](pqxx::work& tx) {
    const auto r = tx.exec(
        "SELECT granularity, " + epoch_ms("bucket") + ", url_path, sessions_started, "
        "sessions_completed, sessions_failed, sessions_timeout, page_visits, actions, "
        "array_to_string(actions_by_type, ','), load_samples, load_p50_ms, load_p95_ms, "
        "console_errors, failed_requests FROM traffic_rollups WHERE campaign_id = " +
        quoted(tx, campaign_id) + " AND granularity = " + tx.quote(granularity) +
        " ORDER BY bucket, url_path");
    std::vector<rollup_row> out;
    for (const auto& f : r) {
      rollup_row x;
      x.granularity = f[0].c_str();
      x.bucket_ms = to_double(f[1]);
      x.url_path = f[2].c_str();
      x.sessions_started = to_int(f[3]);
      x.sessions_completed = to_int(f[4]);
      x.sessions_failed = to_int(f[5]);
      x.sessions_timeout = to_int(f[6]);
      x.page_visits = to_int(f[7]);
      x.actions = f[8].as<std::int64_t>();
      std::string by = f[9].c_str();
      for (std::size_t p = 0; p < by.size();) {
        auto q = by.find(',', p);
        if (q == std::string::npos) q = by.size();
        x.actions_by_type.push_back(std::stoll(by.substr(p, q - p)));
        p = q + 1;
      }
      x.load_samples = to_int(f[10]);
      x.load_p50_ms = opt<double>(f[11]);
      x.load_p95_ms = opt<double>(f[12]);
      x.console_errors = to_int(f[13]);
      x.failed_requests = to_int(f[14]);
      out.push_back(std::move(x));
    }
    return out;
  });
}

}  // namespace footfall::storage
