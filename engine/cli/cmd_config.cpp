// footfall persona add|list|show, footfall campaign create|list|show|pause|resume|cancel
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "engine/campaign/campaign_setup.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/database.hpp"
#include "engine/config/config.hpp"
#include "storage/connection.hpp"
#include "storage/repositories.hpp"

namespace footfall::cli {

namespace po = boost::program_options;
using nlohmann::json;

namespace {

/// Flags every subcommand has: the database, --json, and one positional argument.
struct common_flags {
  engine::database_options db;
  std::string arg;
  bool json = false;
  std::string target_url;
};

bool parse_sub(const args& a, common_flags& f, const char* arg_name, const std::string& synopsis,
               bool with_target_url = false) {
  po::options_description d("options");
  if (arg_name) d.add_options()(arg_name, po::value(&f.arg)->required(), arg_name);
  d.add_options()("json", po::bool_switch(&f.json), "print JSON");
  if (with_target_url)
    d.add_options()("target-url", po::value(&f.target_url)->value_name("URL"),
                    "override target_url");
  engine::add_database_flags(d, f.db);
  po::positional_options_description pos;
  if (arg_name) pos.add(arg_name, 1);
  po::variables_map vm;
  return parse_flags(a, d, pos, vm, synopsis);
}

std::string fmt_time(const std::optional<storage::time_point>& t) {
  if (!t) return "";
  const auto tt = storage::clock::to_time_t(*t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return b;
}

json campaign_json(const storage::campaign& c) {
  return {{"id", c.id.str()},
          {"name", c.name},
          {"description", c.description},
          {"target_url", c.target_url},
          {"total_sessions", c.total_sessions},
          {"concurrent_sessions", c.concurrent_sessions},
          {"status", storage::to_string(c.status)},
          {"persona_id", c.persona_id.str()},
          {"rate_limit_delay_ms", c.rate_limit_delay_ms},
          {"user_agent_rotation", c.user_agent_rotation},
          {"respect_robots_txt", c.respect_robots_txt},
          {"seed", c.seed},
          {"settings", c.settings},
          {"created_at", fmt_time(c.created_at)},
          {"started_at", fmt_time(c.started_at)},
          {"completed_at", fmt_time(c.completed_at)}};
}

storage::persona find_persona(storage::connection& c, const std::string& ref) {
  storage::persona_repository repo(c);
  std::optional<storage::persona> p;
  if (auto id = storage::uuid::parse(ref)) p = repo.find(*id);
  if (!p) p = repo.find_by_name(ref);
  if (!p) throw usage_error("persona '" + ref + "': no persona has this name or id");
  return *p;
}

int persona_cmd(const std::string& sub, const args& rest) {
  common_flags f;
  if (sub == "add") {
    if (!parse_sub(rest, f, "file",
                   "usage: footfall persona add FILE.json [--json]\n"
                   "Validates the persona file and stores it (replacing a persona "
                   "of the same name)."))
      return ok;
    auto p = as_usage_errors([&] { return engine::load_persona_file(f.arg); });
    storage::connection c(engine::open_database(f.db));
    p = as_usage_errors([&] { return storage::persona_repository(c).upsert(p); });
    if (f.json)
      std::cout << engine::persona_to_json(p).dump(2) << "\n";
    else
      std::cout << "persona " << p.name << " " << p.id.str() << "\n";
    return ok;
  }
  if (sub == "list") {
    if (!parse_sub(rest, f, nullptr, "usage: footfall persona list [--json]")) return ok;
    storage::connection c(engine::open_database(f.db));
    const auto all = storage::persona_repository(c).list();
    if (f.json) {
      json j = json::array();
      for (const auto& p : all) j.push_back(engine::persona_to_json(p));
      std::cout << j.dump(2) << "\n";
      return ok;
    }
    std::printf("%-36s  %-24s %9s %7s %9s  %s\n", "id", "name", "duration", "pages", "actions",
                "scroll/click/type");
    for (const auto& p : all)
      std::printf("%-36s  %-24s %4d-%-4d %3d-%-3d %4d-%-4d  %.2f/%.2f/%.2f\n", p.id.str().c_str(),
                  p.name.c_str(), p.session_duration_min, p.session_duration_max, p.pages_min,
                  p.pages_max, p.actions_per_page_min, p.actions_per_page_max, p.scroll_probability,
                  p.click_probability, p.typing_probability);
    return ok;
  }
  if (sub == "show") {
    if (!parse_sub(rest, f, "persona", "usage: footfall persona show NAME|ID [--json]")) return ok;
    storage::connection c(engine::open_database(f.db));
    std::cout << engine::persona_to_json(find_persona(c, f.arg)).dump(2) << "\n";
    return ok;
  }
  throw usage_error("unknown subcommand 'persona " + sub + "' (add, list, show)");
}

int campaign_cmd(const std::string& sub, const args& rest) {
  common_flags f;
  if (sub == "create") {
    if (!parse_sub(rest, f, "file",
                   "usage: footfall campaign create FILE.json [--target-url URL] [--json]\n"
                   "Validates the file, stores the campaign (and an inline persona) "
                   "and materializes its sessions as pending; prints its id.",
                   true))
      return ok;
    const auto url = engine::open_database(f.db);
    const auto c = create_campaign_from_file(url, f.arg, f.target_url, false);
    if (f.json)
      std::cout << campaign_json(c).dump(2) << "\n";
    else
      std::cout << c.id.str() << "\n";
    return ok;
  }
  if (sub == "list") {
    if (!parse_sub(rest, f, nullptr, "usage: footfall campaign list [--json]")) return ok;
    storage::connection c(engine::open_database(f.db));
    const auto all = storage::campaign_repository(c).list();
    if (f.json) {
      json j = json::array();
      for (const auto& x : all) j.push_back(campaign_json(x));
      std::cout << j.dump(2) << "\n";
      return ok;
    }
    std::printf("%-36s  %-24s %-10s %8s  %s\n", "id", "name", "status", "sessions", "created");
    for (const auto& x : all)
      std::printf("%-36s  %-24s %-10s %8d  %s\n", x.id.str().c_str(), x.name.c_str(),
                  std::string(storage::to_string(x.status)).c_str(), x.total_sessions,
                  fmt_time(x.created_at).c_str());
    return ok;
  }
  const bool known = sub == "show" || sub == "pause" || sub == "resume" || sub == "cancel";
  if (!known)
    throw usage_error("unknown subcommand 'campaign " + sub +
                      "' (create, list, show, pause, resume, cancel)");
  if (!parse_sub(rest, f, "campaign",
                 "usage: footfall campaign " + sub + " CAMPAIGN_ID|NAME [--json]"))
    return ok;
  const auto url = engine::open_database(f.db);
  const auto id = campaign_ref(url, f.arg);
  storage::connection c(url);
  storage::campaign_repository campaigns(c);
  as_usage_errors([&] {
    if (sub == "pause") campaigns.transition(id, storage::campaign_status::paused);
    if (sub == "resume") campaigns.transition(id, storage::campaign_status::running);
    if (sub == "cancel") engine::cancel_campaign(url, id);
    return 0;
  });
  const auto camp = campaigns.find(id).value();
  const auto counts = storage::session_repository(c).counts(id);
  json j = campaign_json(camp);
  for (const auto& [s, n] : counts.by_status) j["sessions"][std::string(storage::to_string(s))] = n;
  // Running with an expired lease: the worker is gone; the next claim by any worker reclaims them.
  j["sessions_lost"] = counts.lost;
  // Issue 23: rows the database refused (kept in rejected-*.jsonl; those sessions' counts include
  // them) and page text stored as U+FFFD.
  j["rows_rejected"] = counts.rows_rejected;
  j["sessions_with_rejected_rows"] = counts.sessions_with_rejected_rows;
  j["text_repairs"] = storage::session_repository(c).text_repairs(id);
  // Open model (issue 12): planned, started, late and dropped arrivals, lateness percentiles.
  if (const auto a = storage::load_arrival_stats(c, id)) {
    const auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(); };
    j["arrivals"] = {{"planned", a->planned}, {"due", a->due}, {"started", a->started},
                     {"late", a->late}, {"late_after_ms", storage::late_after_ms},
                     {"dropped", a->dropped}, {"lateness_p50_ms", opt(a->lateness_p50_ms)},
                     {"lateness_p95_ms", opt(a->lateness_p95_ms)}};
  }
  if (f.json || sub == "show") {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "campaign " << camp.name << " " << id.str() << ": "
              << storage::to_string(camp.status) << "\n";
  }
  return ok;
}

constexpr const char* persona_usage =
    "usage: footfall persona add FILE.json | list | show NAME|ID   [--json] [--database-url URL]";
constexpr const char* campaign_usage =
    "usage: footfall campaign create FILE.json | list | show|pause|resume|cancel CAMPAIGN\n"
    "  create   validate a campaign file, store it and its pending sessions; print the id\n"
    "  pause    workers stop claiming new sessions; running ones finish\n"
    "  resume   workers claim again\n"
    "  cancel   the campaign fails; its pending sessions are marked failed";

int dispatch(const args& a, const char* usage, int (*sub)(const std::string&, const args&)) {
  if (a.empty()) throw usage_error(usage);
  if (a[0] == "--help" || a[0] == "-h") {
    std::cout << usage << "\n";
    return ok;
  }
  return sub(a[0], args(a.begin() + 1, a.end()));
}

}  // namespace

int cmd_persona(const args& a) { return dispatch(a, persona_usage, persona_cmd); }
int cmd_campaign(const args& a) { return dispatch(a, campaign_usage, campaign_cmd); }

}  // namespace footfall::cli
