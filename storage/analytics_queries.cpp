#include "storage/analytics_queries.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <memory>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "storage/analytics_sql.hpp"
#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"

namespace footfall::storage {
namespace {

using namespace detail;

/// Loads sessions (WHERE `where`), their visits and actions, keyed by session id text.
std::vector<session_input> load_inputs(pqxx::work& tx, const std::string& where) {
  std::vector<session_input> out;
  std::unordered_map<std::string, std::size_t> index;
  const auto sessions = tx.exec(
      "SELECT s.id, s.campaign_id, s.persona_id, s.status, s.session_duration_ms, s.user_agent, "
      "sa.navigator_webdriver, sa.embedder_tells FROM sessions s "
      "LEFT JOIN session_analytics sa ON sa.session_id = s.id WHERE " + where +
      " ORDER BY s.session_index");
  out.reserve(sessions.size());
  for (const auto& r : sessions) {
    session_input in;
    in.session_id = to_uuid(r[0]);
    in.campaign_id = to_uuid(r[1]);
    in.persona_id = to_uuid(r[2]);
    in.status = parse_session_status(r[3].c_str()).value_or(session_status::pending);
    in.session_duration_ms = opt<int>(r[4]);
    in.signals.user_agent = r[5].c_str();
    if (!r[6].is_null()) in.signals.webdriver = r[6].as<bool>();
    if (!r[7].is_null()) in.signals.embedder_tells = r[7].as<double>();
    index.emplace(r[0].c_str(), out.size());
    out.push_back(std::move(in));
  }
  if (out.empty()) return out;

  // Visits, numbered 1..n in (session, visit_order) order in a temp table, so the actions query
  // joins against ~1/50 of the rows it would otherwise (the planner otherwise probes sessions
  // once per action) and returns a small integer key instead of a 36-character uuid per row.
  tx.exec(
      "CREATE TEMP TABLE analytics_visits ON COMMIT DROP AS SELECT pv.id, pv.arrived_at, "
      "(row_number() OVER (ORDER BY pv.session_id, pv.visit_order))::int AS k, pv.session_id, "
      "pv.visit_order, pv.url, pv.left_at, pv.scroll_depth_percent, pv.load_ms, "
      "pv.console_errors, pv.failed_requests FROM page_visits pv "
      "JOIN sessions s ON s.id = pv.session_id WHERE " + where);
  tx.exec("ANALYZE analytics_visits");
  std::vector<std::pair<std::size_t, int>> visit_of_key(1);  // key → (session, visit index)
  const auto visits = tx.exec(
      "SELECT session_id, k, visit_order, url, " + epoch_ms("arrived_at") + ", " +
      epoch_ms("left_at") + ", scroll_depth_percent, load_ms, console_errors, failed_requests "
      "FROM analytics_visits ORDER BY k");
  visit_of_key.reserve(visits.size() + 1);
  for (const auto& r : visits) {
    const auto it = index.find(r[0].c_str());
    if (it == index.end() || to_int(r[1]) != static_cast<int>(visit_of_key.size()))
      throw std::logic_error("analytics: page visit keys out of order");
    auto& in = out[it->second];
    visit_of_key.emplace_back(it->second, static_cast<int>(in.visits.size()));
    in.visits.push_back({to_int(r[2]), r[3].c_str(), to_double(r[4]), opt<double>(r[5]),
                         to_int(r[6]), opt<double>(r[7]), to_int(r[8]), to_int(r[9])});
  }

  // Actions: the big one. No ORDER BY: sorting per session in C++ is cheaper than a 1M-row sort
  // in the server.
  const auto actions = tx.exec(
      "SELECT v.k, a.action_type, " + epoch_ms("a.\"timestamp\"") +
      ", a.duration_ms, COALESCE(length(a.input_value), 0), a.action_order, a.input_timing::text "
      "FROM actions a "
      "JOIN analytics_visits v ON v.id = a.page_visit_id AND v.arrived_at = a.page_arrived_at");
  std::vector<std::vector<int>> orders(out.size());
  for (const auto& r : actions) {
    const auto k = static_cast<std::size_t>(to_int(r[0]));
    if (k == 0 || k >= visit_of_key.size()) continue;
    const auto [session, visit] = visit_of_key[k];
    // Positions are left out: no formula reads them (the heatmap has its own query).
    out[session].actions.push_back({parse_action_type(r[1].c_str()).value_or(action_type::click),
                                    to_double(r[2]), to_int(r[3]), to_int(r[4]), visit, {}, {},
                                    r[6].is_null() ? std::nullopt
                                                   : std::optional<std::string>(r[6].c_str())});
    orders[session].push_back(to_int(r[5]));
  }
  for (std::size_t s = 0; s < out.size(); ++s) {
    auto& acts = out[s].actions;
    std::vector<std::size_t> perm(acts.size());
    for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = i;
    const auto& ord = orders[s];
    std::sort(perm.begin(), perm.end(), [&](std::size_t a, std::size_t b) {
      if (acts[a].t_ms != acts[b].t_ms) return acts[a].t_ms < acts[b].t_ms;
      if (acts[a].visit_index != acts[b].visit_index) return acts[a].visit_index < acts[b].visit_index;
      return ord[a] < ord[b];
    });
    std::vector<action_sample> sorted;
    sorted.reserve(acts.size());
    for (auto i : perm) sorted.push_back(acts[i]);
    acts = std::move(sorted);
  }
  return out;
}


}  // namespace

uuid resolve_campaign(connection& c, const std::string& id_or_name) {
  try {
    pqxx::work tx{c.get().conn};
    if (auto id = uuid::parse(id_or_name)) {
      if (!tx.exec("SELECT 1 FROM campaigns WHERE id = " + quoted(tx, *id)).empty()) return *id;
    }
    // A name reused by several campaigns (a nightly suite's, the demo's) means the latest of
    // them: that is the run a user just made. Older ones stay reachable by id.
    const auto r = tx.exec("SELECT id, (SELECT count(*) FROM campaigns WHERE name = " +
                           tx.quote(id_or_name) + ") FROM campaigns WHERE name = " +
                           tx.quote(id_or_name) + " ORDER BY created_at DESC, id DESC LIMIT 1");
    if (r.empty())
      throw not_found_error("campaign '" + id_or_name + "': no campaign has this id or name");
    if (const auto n = r[0][1].as<long>(); n > 1)
      spdlog::info("campaign '{}': {} campaigns have this name; using the latest, {}", id_or_name,
                   n, r[0][0].c_str());
    return to_uuid(r[0][0]);
  } catch (const std::invalid_argument&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error("resolving campaign '" + id_or_name + "'");
  }
}

std::vector<session_input> load_session_inputs(connection& c, const uuid& campaign_id) {
  // The cost is the server formatting and sending a million action rows and this process
  // parsing them, so the sessions are split (by session_index) over one connection per core.
  // Each part is its own transaction: a session is always read whole from one snapshot.
  const unsigned parts = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  std::vector<std::vector<session_input>> results(parts);
  std::vector<std::exception_ptr> errors(parts);
  auto load_part = [&](unsigned i, connection& conn) {
    try {
      pqxx::work tx{conn.get().conn};
      std::string where = "s.campaign_id = " + quoted(tx, campaign_id);
      if (parts > 1)
        where += " AND s.session_index % " + std::to_string(parts) + " = " + std::to_string(i);
      results[i] = load_inputs(tx, where);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  {
    std::vector<std::unique_ptr<connection>> extra;
    std::vector<std::thread> threads;
    try {
      for (unsigned i = 1; i < parts; ++i) extra.push_back(std::make_unique<connection>(c.url()));
    } catch (...) {
      rethrow_as_storage_error("opening connections to load campaign " + campaign_id.str());
    }
    for (unsigned i = 1; i < parts; ++i) threads.emplace_back(load_part, i, std::ref(*extra[i - 1]));
    load_part(0, c);
    for (auto& t : threads) t.join();
  }
  for (const auto& e : errors) {
    if (!e) continue;
    try {
      std::rethrow_exception(e);
    } catch (...) {
      rethrow_as_storage_error("loading analytics inputs of campaign " + campaign_id.str());
    }
  }
  std::vector<session_input> out = std::move(results[0]);
  for (unsigned i = 1; i < parts; ++i)
    std::move(results[i].begin(), results[i].end(), std::back_inserter(out));
  return out;
}

session_input load_session_input(connection& c, const uuid& session_id) {
  std::vector<session_input> v;
  transact(c, "loading analytics inputs of session " + session_id.str(), [&](pqxx::work& tx) {
    v = load_inputs(tx, "s.id = " + quoted(tx, session_id));
  });
  if (v.empty()) throw not_found_error("session " + session_id.str() + ": not found");
  return std::move(v.front());
}

void upsert_session_analytics(connection& c, const std::vector<session_analytics_row>& rows) {
  if (rows.empty()) return;
  transact(c, "writing session_analytics", [&](pqxx::work& tx) {
    tx.exec(
        "CREATE TEMP TABLE IF NOT EXISTS session_analytics_in ("
        "session_id uuid, campaign_id uuid, persona_id uuid, total_duration_ms bigint, "
        "avg_dwell float8, median_dwell int, pages int, depth int, bounce float8, actions int, "
        "apg float8, ctr float8, scroll float8, variance float8, rhythm float8, pauses jsonb, "
        "risk float8, signals jsonb, webdriver bool, mean_interval_ms float8, behaviour float8, "
        "environment float8, embedder_tells float8) ON COMMIT DELETE ROWS");
    {
      pqxx::stream_to s{tx, "session_analytics_in",
                        std::vector<std::string>{"session_id", "campaign_id", "persona_id",
                                                 "total_duration_ms", "avg_dwell", "median_dwell",
                                                 "pages", "depth", "bounce", "actions", "apg",
                                                 "ctr", "scroll", "variance", "rhythm", "pauses",
                                                 "risk", "signals", "webdriver",
                                                 "mean_interval_ms", "behaviour",
                                                 "environment", "embedder_tells"}};
      for (const auto& r : rows) {
        std::optional<double> mean_ms;
        if (r.mean_interval_s) mean_ms = *r.mean_interval_s * 1000.0;
        s << std::make_tuple(r.session_id.str(), r.campaign_id.str(), r.persona_id.str(),
                             r.total_duration_ms, r.avg_page_dwell_time_ms,
                             r.median_page_dwell_time_ms, r.pages_visited, r.navigation_depth,
                             r.bounce_rate, r.total_actions, r.actions_per_page,
                             r.click_through_rate, r.scroll_engagement, r.action_variance,
                             r.rhythm_score, r.pause_distribution.dump(), r.detection_risk_score,
                             r.risk_signals.dump(), r.navigator_webdriver, mean_ms,
                             r.behaviour_risk_score, r.environment_risk_score,
                             r.embedder_tells);
      }
      s.complete();
    }
    // total_duration_ms is INTEGER in the spec: clamp rather than fail a whole campaign on a
    // session that ran (or was mis-timed) for more than 24 days.
    tx.exec(
        "INSERT INTO session_analytics AS t (session_id, campaign_id, persona_id, "
        "total_duration_ms, avg_page_dwell_time_ms, median_page_dwell_time_ms, pages_visited, "
        "navigation_depth, bounce_rate, total_actions, actions_per_page, click_through_rate, "
        "scroll_engagement, action_variance, rhythm_score, pause_distribution, "
        "detection_risk_score, risk_signals, navigator_webdriver, mean_interval_ms, "
        "behaviour_risk_score, environment_risk_score, embedder_tells) "
        "SELECT session_id, campaign_id, persona_id, LEAST(total_duration_ms, 2147483647), "
        "avg_dwell, median_dwell, pages, depth, bounce, actions, apg, ctr, scroll, variance, "
        "rhythm, pauses, risk, signals, webdriver, mean_interval_ms, behaviour, environment, "
        "embedder_tells "
        "FROM session_analytics_in "
        "ON CONFLICT (session_id) DO UPDATE SET campaign_id = EXCLUDED.campaign_id, "
        "persona_id = EXCLUDED.persona_id, total_duration_ms = EXCLUDED.total_duration_ms, "
        "avg_page_dwell_time_ms = EXCLUDED.avg_page_dwell_time_ms, "
        "median_page_dwell_time_ms = EXCLUDED.median_page_dwell_time_ms, "
        "pages_visited = EXCLUDED.pages_visited, navigation_depth = EXCLUDED.navigation_depth, "
        "bounce_rate = EXCLUDED.bounce_rate, total_actions = EXCLUDED.total_actions, "
        "actions_per_page = EXCLUDED.actions_per_page, "
        "click_through_rate = EXCLUDED.click_through_rate, "
        "scroll_engagement = EXCLUDED.scroll_engagement, "
        "action_variance = EXCLUDED.action_variance, rhythm_score = EXCLUDED.rhythm_score, "
        "pause_distribution = EXCLUDED.pause_distribution, "
        "detection_risk_score = EXCLUDED.detection_risk_score, "
        "risk_signals = EXCLUDED.risk_signals, "
        "navigator_webdriver = COALESCE(EXCLUDED.navigator_webdriver, t.navigator_webdriver), "
        "embedder_tells = COALESCE(EXCLUDED.embedder_tells, t.embedder_tells), "
        "mean_interval_ms = EXCLUDED.mean_interval_ms, "
        "behaviour_risk_score = EXCLUDED.behaviour_risk_score, "
        "environment_risk_score = EXCLUDED.environment_risk_score, updated_at = now()");
    tx.commit();
  });
}

void upsert_campaign_analytics(connection& c, const campaign_analytics_row& r) {
  transact(c, "writing campaign_analytics of " + r.campaign_id.str(), [&](pqxx::work& tx) {
    auto q = [&](const auto& v) -> std::string {
      if (!v) return "NULL";
      return tx.quote(*v);
    };
    tx.exec(
        "INSERT INTO campaign_analytics AS t (campaign_id, total_sessions, completed_sessions, "
        "failed_sessions, success_rate, avg_session_duration_ms, avg_pages_per_session, "
        "avg_actions_per_session, avg_rhythm_score, behavioral_variance, detection_risk_score, "
        "total_runtime_ms, avg_cpu_usage, peak_memory_mb, machine_memory_rise_mb, "
        "machine_cpu_usage, footfall_memory_mb, behaviour_risk_score, "
        "environment_risk_score) VALUES (" +
        quoted(tx, r.campaign_id) + ", " + tx.quote(r.total_sessions) + ", " +
        tx.quote(r.completed_sessions) + ", " + tx.quote(r.failed_sessions) + ", " +
        tx.quote(r.success_rate) + ", " + q(r.avg_session_duration_ms) + ", " +
        q(r.avg_pages_per_session) + ", " + q(r.avg_actions_per_session) + ", " +
        q(r.avg_rhythm_score) + ", " + q(r.behavioral_variance) + ", " +
        q(r.detection_risk_score) + ", " + q(r.resources.total_runtime_ms) + ", " +
        q(r.resources.avg_cpu_usage) + ", " + q(r.resources.peak_memory_mb) + ", " +
        q(r.resources.machine_memory_rise_mb) + ", " + q(r.resources.machine_cpu_usage) + ", " +
        q(r.resources.footfall_memory_mb) + ", " + q(r.behaviour_risk_score) + ", " +
        q(r.environment_risk_score) +
        ") ON CONFLICT (campaign_id) DO UPDATE SET total_sessions = EXCLUDED.total_sessions, "
        "completed_sessions = EXCLUDED.completed_sessions, "
        "failed_sessions = EXCLUDED.failed_sessions, success_rate = EXCLUDED.success_rate, "
        "avg_session_duration_ms = EXCLUDED.avg_session_duration_ms, "
        "avg_pages_per_session = EXCLUDED.avg_pages_per_session, "
        "avg_actions_per_session = EXCLUDED.avg_actions_per_session, "
        "avg_rhythm_score = EXCLUDED.avg_rhythm_score, "
        "behavioral_variance = EXCLUDED.behavioral_variance, "
        "detection_risk_score = EXCLUDED.detection_risk_score, "
        "behaviour_risk_score = EXCLUDED.behaviour_risk_score, "
        "environment_risk_score = EXCLUDED.environment_risk_score, "
        "total_runtime_ms = COALESCE(EXCLUDED.total_runtime_ms, t.total_runtime_ms), "
        "avg_cpu_usage = COALESCE(EXCLUDED.avg_cpu_usage, t.avg_cpu_usage), "
        "peak_memory_mb = COALESCE(EXCLUDED.peak_memory_mb, t.peak_memory_mb), "
        "machine_memory_rise_mb = COALESCE(EXCLUDED.machine_memory_rise_mb, "
        "t.machine_memory_rise_mb), "
        "machine_cpu_usage = COALESCE(EXCLUDED.machine_cpu_usage, t.machine_cpu_usage), "
        "footfall_memory_mb = COALESCE(EXCLUDED.footfall_memory_mb, t.footfall_memory_mb), "
        "updated_at = now()");
    tx.commit();
  });
}

std::optional<campaign_analytics_row> load_campaign_analytics(connection& c, const uuid& id) {
  return transact(c, "reading campaign_analytics of " + id.str(),
                  [&](pqxx::work& tx) -> std::optional<campaign_analytics_row> {
    const auto r = tx.exec(
        "SELECT total_sessions, completed_sessions, failed_sessions, success_rate, "
        "avg_session_duration_ms, avg_pages_per_session, avg_actions_per_session, "
        "avg_rhythm_score, behavioral_variance, detection_risk_score, total_runtime_ms, "
        "avg_cpu_usage, peak_memory_mb, machine_memory_rise_mb, machine_cpu_usage, "
        "footfall_memory_mb FROM campaign_analytics WHERE campaign_id = " +
        quoted(tx, id));
    if (r.empty()) return std::nullopt;
    const auto& f = r[0];
    campaign_analytics_row a;
    a.campaign_id = id;
    a.total_sessions = to_int(f[0]);
    a.completed_sessions = to_int(f[1]);
    a.failed_sessions = to_int(f[2]);
    a.success_rate = to_double(f[3]);
    a.avg_session_duration_ms = opt<double>(f[4]);
    a.avg_pages_per_session = opt<double>(f[5]);
    a.avg_actions_per_session = opt<double>(f[6]);
    a.avg_rhythm_score = opt<double>(f[7]);
    a.behavioral_variance = opt<double>(f[8]);
    a.detection_risk_score = opt<double>(f[9]);
    if (!f[10].is_null()) a.resources.total_runtime_ms = f[10].as<std::int64_t>();
    a.resources.avg_cpu_usage = opt<double>(f[11]);
    a.resources.peak_memory_mb = opt<int>(f[12]);
    a.resources.machine_memory_rise_mb = opt<int>(f[13]);
    a.resources.machine_cpu_usage = opt<double>(f[14]);
    a.resources.footfall_memory_mb = opt<int>(f[15]);
    return a;
  });
}

}  // namespace footfall::storage
