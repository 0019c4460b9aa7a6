#include "engine/campaign/campaign_setup.hpp"

#include "engine/campaign/campaign_runner.hpp"
#include "engine/config/config.hpp"
#include "storage/connection.hpp"
#include "storage/errors.hpp"
#include "storage/repositories.hpp"
#include "storage/validation.hpp"
#include "storage/writer.hpp"

namespace footfall::engine {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad(const std::string& source, std::string field, std::string rule) {
  throw config_error(source, {config_issue{std::move(field), std::move(rule)}});
}

storage::persona resolve_persona(storage::connection& c, const campaign_file& f,
                                 const fs::path& file) {
  storage::persona_repository repo(c);
  if (const auto* p = std::get_if<storage::persona>(&f.persona)) return repo.upsert(*p);
  const auto& name = std::get<std::string>(f.persona);
  if (auto p = repo.find_by_name(name)) return *p;
  if (auto p = persona_beside(file, name)) return repo.upsert(*p);
  bad(file.filename().string(), "persona",
      "no persona named '" + name + "' (add it with `footfall persona add FILE`, or put it inline)");
}

}  // namespace

storage::campaign create_campaign_from_file(const std::string& database_url, const fs::path& file,
                                            const std::string& target_url, bool if_absent) {
  auto f = load_campaign_file(file);
  if (!target_url.empty()) f.campaign.target_url = target_url;
  storage::connection c(database_url);
  const auto persona = resolve_persona(c, f, file);
  f.campaign.persona_id = persona.id;
  storage::campaign_repository campaigns(c);
  auto created =
      if_absent ? campaigns.create_if_absent(f.campaign).first : campaigns.create(f.campaign);
  // Idempotent (ON CONFLICT DO NOTHING): a worker joining an existing campaign adds nothing.
  materialize_sessions(database_url, created);
  return created;
}

void cancel_campaign(const std::string& database_url, const storage::uuid& id) {
  storage::connection c(database_url);
  storage::campaign_repository campaigns(c);
  auto camp = campaigns.find(id).value();
  using cs = storage::campaign_status;
  if (camp.status == cs::completed || camp.status == cs::failed)
    throw storage::transition_error("campaign '" + camp.name + "': already " +
                                    std::string(storage::to_string(camp.status)));
  // The spec's machine reaches failed only from running.
  if (camp.status != cs::running) campaigns.transition(id, cs::running);
  campaigns.transition(id, cs::failed);
  storage::writer_options wo;
  wo.url = database_url;
  storage::writer w(wo);
  for (auto s : storage::session_repository(c).list(id)) {
    if (s.status != storage::session_status::pending) continue;
    s.status = storage::session_status::failed;
    s.error_message = "campaign cancelled before this session started";
    s.completed_at = storage::clock::now();
    w.write(s);
  }
  w.close();
}

void check_extendable(const std::string& database_url, const storage::uuid& id) {
  storage::connection c(database_url);
  const auto camp = storage::campaign_repository(c).find(id);
  const std::string source = "campaign " + id.str();
  if (!camp) bad(source, "campaign", "not found");
  const std::string named = "campaign '" + camp->name + "'";
  using cs = storage::campaign_status;
  if (camp->status == cs::pending || camp->status == cs::running || camp->status == cs::paused)
    bad(named, "status",
        "is " + std::string(storage::to_string(camp->status)) +
            ": --resolve adds sessions to a finished campaign only (wait for it to complete)");
  if (camp->status != cs::completed)
    bad(named, "status",
        "is " + std::string(storage::to_string(camp->status)) +
            " (cancelled, or no session completed): there is no run to add sessions to");
  if (auto issues = campaign_settings::problems(camp->settings); !issues.empty())
    throw config_error(named + " (stored settings, cannot be run again here)", std::move(issues));
  if (!campaign_settings::from_json(camp->settings).arrivals.empty())
    bad(named, "arrivals",
        "open-model arrivals are planned from the campaign's start, which is past: more "
        "sessions cannot be added to it (compare against a new campaign instead)");
  const auto persona = storage::persona_repository(c).find(camp->persona_id);
  if (!persona) bad(named, "persona_id", "persona " + camp->persona_id.str() + " no longer exists");
  if (const auto p = storage::validate(*persona); !p.empty())
    bad(named, "persona", "no longer valid: " + p.front());
  if (const auto p = storage::validate(*camp); !p.empty())
    bad(named, "campaign", "no longer valid: " + p.front());
}

storage::campaign extend_campaign(const std::string& database_url, const storage::uuid& id,
                                  int add) {
  storage::connection c(database_url);
  const auto camp = storage::campaign_repository(c).extend(id, add);
  materialize_sessions(database_url, camp);  // only the new session_index values are inserted
  return camp;
}

}  // namespace footfall::engine
