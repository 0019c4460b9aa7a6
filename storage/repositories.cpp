#include "storage/repositories.hpp"

#include <pqxx/pqxx>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"
#include "storage/transaction.hpp"
#include "storage/sql_fields.hpp"
#include "storage/validation.hpp"

namespace footfall::storage {
namespace {
using namespace detail;

constexpr const char* persona_cols =
    "id, name, coalesce(description, ''), session_duration_min, session_duration_max, pages_min, "
    "pages_max, actions_per_page_min, actions_per_page_max, scroll_probability::float8, "
    "click_probability::float8, typing_probability::float8, input_device, typing_skill, popups";

persona read_persona(const pqxx::row& r) {
  persona p;
  p.id = to_uuid(r[0]);
  p.name = r[1].as<std::string>();
  p.description = r[2].as<std::string>();
  p.session_duration_min = r[3].as<int>();
  p.session_duration_max = r[4].as<int>();
  p.pages_min = r[5].as<int>();
  p.pages_max = r[6].as<int>();
  p.actions_per_page_min = r[7].as<int>();
  p.actions_per_page_max = r[8].as<int>();
  p.scroll_probability = r[9].as<double>();
  p.click_probability = r[10].as<double>();
  p.typing_probability = r[11].as<double>();
  p.input_device = r[12].as<std::string>();
  p.typing_skill = r[13].as<std::string>();
  p.popups = r[14].as<std::string>();
  return p;
}

// Inserts `p` as one row; `conflict` is what follows the VALUES list (create: nothing; upsert:
// its ON CONFLICT … RETURNING clause).
pqxx::result insert_persona(pqxx::work& tx, const persona& p, const std::string& conflict) {
  return tx.exec_params(
      "INSERT INTO personas (id, name, description, session_duration_min, session_duration_max, "
      "pages_min, pages_max, actions_per_page_min, actions_per_page_max, scroll_probability, "
      "click_probability, typing_probability, input_device, typing_skill, popups) "
      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)" + conflict,
      p.id.str(), p.name, nonempty(p.description), p.session_duration_min,
      p.session_duration_max, p.pages_min, p.pages_max, p.actions_per_page_min,
      p.actions_per_page_max, p.scroll_probability, p.click_probability, p.typing_probability,
      p.input_device, p.typing_skill, p.popups);
}

constexpr const char* campaign_cols =
    "id, name, coalesce(description, ''), target_url, total_sessions, concurrent_sessions, "
    "status, persona_id, rate_limit_delay_ms, user_agent_rotation, respect_robots_txt, seed, "
    "settings::text, created_at, started_at, completed_at";

campaign read_campaign(const pqxx::row& r) {
  campaign c;
  c.id = to_uuid(r[0]);
  c.name = r[1].as<std::string>();
  c.description = r[2].as<std::string>();
  c.target_url = r[3].as<std::string>();
  c.total_sessions = r[4].as<int>();
  c.concurrent_sessions = r[5].as<int>();
  c.status = *parse_campaign_status(r[6].c_str());
  c.persona_id = to_uuid(r[7]);
  c.rate_limit_delay_ms = r[8].as<int>();
  c.user_agent_rotation = r[9].as<bool>();
  c.respect_robots_txt = r[10].as<bool>();
  c.seed = static_cast<std::uint64_t>(r[11].as<std::int64_t>());
  c.settings = nlohmann::json::parse(r[12].c_str());
  c.created_at = parse_sql_time(r[13].c_str());
  c.started_at = parse_sql_time_opt(r[14]);
  c.completed_at = parse_sql_time_opt(r[15]);
  return c;
}

// Inserts `c` as a pending campaign.
void insert_campaign(pqxx::work& tx, const campaign& c) {
  tx.exec_params(
      "INSERT INTO campaigns (id, name, description, target_url, total_sessions, "
      "concurrent_sessions, status, persona_id, rate_limit_delay_ms, user_agent_rotation, "
      "respect_robots_txt, seed, settings) VALUES ($1,$2,$3,$4,$5,$6,'pending',$7,$8,$9,$10,$11,"
      "$12::jsonb)",
      c.id.str(), c.name, nonempty(c.description), c.target_url, c.total_sessions,
      c.concurrent_sessions, c.persona_id.str(), c.rate_limit_delay_ms, c.user_agent_rotation,
      c.respect_robots_txt, static_cast<std::int64_t>(c.seed), c.settings.dump());
}

}  // namespace

// ---- personas ---------------------------------------------------------------------------------

persona persona_repository::create(persona p) {
  check(p);
  if (p.id.is_nil()) p.id = uuid::v7();
  transact(c_, "persona \"" + p.name + "\"", [&](pqxx::work& tx) {
    insert_persona(tx, p, "");
    tx.commit();
  });
  return *find(p.id);
}

persona persona_repository::upsert(persona p) {
  check(p);
  if (p.id.is_nil()) p.id = uuid::v7();
  transact(c_, "persona \"" + p.name + "\"", [&](pqxx::work& tx) {
    // One statement, so concurrent upserts of one name (20 pods starting with the same inline
    // persona) never race on personas_name_key: the losers update the winner's row.
    const auto r = insert_persona(
        tx, p,
        " ON CONFLICT ON CONSTRAINT personas_name_key DO UPDATE SET "
        "description = EXCLUDED.description, "
        "session_duration_min = EXCLUDED.session_duration_min, "
        "session_duration_max = EXCLUDED.session_duration_max, pages_min = EXCLUDED.pages_min, "
        "pages_max = EXCLUDED.pages_max, actions_per_page_min = EXCLUDED.actions_per_page_min, "
        "actions_per_page_max = EXCLUDED.actions_per_page_max, "
        "scroll_probability = EXCLUDED.scroll_probability, "
        "click_probability = EXCLUDED.click_probability, "
        "typing_probability = EXCLUDED.typing_probability, "
        "input_device = EXCLUDED.input_device, typing_skill = EXCLUDED.typing_skill, "
        "popups = EXCLUDED.popups, "
        "updated_at = now() RETURNING id::text");
    p.id = *uuid::parse(r.at(0)[0].c_str());
    tx.commit();
  });
  return *find(p.id);
}

std::optional<persona> persona_repository::find(const uuid& id) {
  return read_first(c_, "reading persona " + id.str(),
                    std::string("SELECT ") + persona_cols + " FROM personas WHERE id=$1",
                    read_persona, id.str());
}

std::optional<persona> persona_repository::find_by_name(std::string_view name) {
  return read_first(c_, "reading persona \"" + std::string(name) + "\"",
                    std::string("SELECT ") + persona_cols + " FROM personas WHERE name=$1",
                    read_persona, std::string(name));
}

std::vector<persona> persona_repository::list() {
  return read_rows(c_, "listing personas",
                   std::string("SELECT ") + persona_cols + " FROM personas ORDER BY name",
                   read_persona);
}

// ---- campaigns --------------------------------------------------------------------------------

campaign campaign_repository::create(campaign c) {
  check(c);
  if (c.id.is_nil()) c.id = uuid::v7();
  transact(c_, "campaign \"" + c.name + "\"", [&](pqxx::work& tx) {
    insert_campaign(tx, c);
    tx.commit();
  });
  return *find(c.id);
}

std::pair<campaign, bool> campaign_repository::create_if_absent(campaign c) {
  check(c);
  if (c.id.is_nil()) c.id = uuid::v7();
  bool created = false;
  transact(c_, "campaign \"" + c.name + "\"", [&](pqxx::work& tx) {
    // Serializes creators of one name (every pod of an Indexed Job starts the same way) without
    // a UNIQUE name: names may be reused on purpose (the latest campaign of a name wins).
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 7013))", c.name);
    const auto r = tx.exec_params(
        "SELECT id::text FROM campaigns WHERE name = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
        c.name);
    if (!r.empty()) {
      c.id = *uuid::parse(r[0][0].c_str());
    } else {
      insert_campaign(tx, c);
      created = true;
    }
    tx.commit();
  });
  return {*find(c.id), created};
}

std::optional<campaign> campaign_repository::find(const uuid& id) {
  return read_first(c_, "reading campaign " + id.str(),
                    std::string("SELECT ") + campaign_cols + " FROM campaigns WHERE id=$1",
                    read_campaign, id.str());
}

std::vector<campaign> campaign_repository::list() {
  return read_rows(c_, "listing campaigns",
                   std::string("SELECT ") + campaign_cols +
                       " FROM campaigns ORDER BY created_at DESC, id DESC",
                   read_campaign);
}

namespace {
std::string allowed_from(campaign_status from) {
  std::string s;
  for (int i = 0; i < 5; ++i) {
    const auto to = static_cast<campaign_status>(i);
    if (!campaign_transition_allowed(from, to)) continue;
    if (!s.empty()) s += ", ";
    s += to_string(to);
  }
  return s.empty() ? "none, it is final" : s;
}
}  // namespace

campaign campaign_repository::transition(const uuid& id, campaign_status to) {
  std::string name;
  try {
    pqxx::work tx{c_.get().conn};
    auto r = tx.exec_params("SELECT status, name FROM campaigns WHERE id=$1 FOR UPDATE", id.str());
    if (r.empty()) throw not_found_error("campaign " + id.str() + " does not exist");
    const auto from = *parse_campaign_status(r[0][0].c_str());
    name = r[0][1].as<std::string>();
    if (!campaign_transition_allowed(from, to))
      throw transition_error("campaign \"" + name + "\": cannot go from " +
                             std::string(to_string(from)) + " to " + std::string(to_string(to)) +
                             " (allowed from " + std::string(to_string(from)) + ": " +
                             allowed_from(from) + ")");
    tx.exec_params(
        "UPDATE campaigns SET status=$2::campaign_status, updated_at=now(), "
        "started_at = CASE WHEN $2 = 'running' THEN coalesce(started_at, now()) ELSE started_at END, "
        "completed_at = CASE WHEN $2 IN ('completed', 'failed') THEN now() ELSE completed_at END "
        "WHERE id=$1",
        id.str(), std::string(to_string(to)));
    tx.commit();
  } catch (const transition_error&) {
    throw;
  } catch (const not_found_error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error("campaign \"" + name + "\" status");
  }
  return *find(id);
}

campaign campaign_repository::extend(const uuid& id, int add) {
  std::string name;
  try {
    pqxx::work tx{c_.get().conn};
    auto r = tx.exec_params(
        "SELECT status, name, total_sessions FROM campaigns WHERE id=$1 FOR UPDATE", id.str());
    if (r.empty()) throw not_found_error("campaign " + id.str() + " does not exist");
    const auto from = *parse_campaign_status(r[0][0].c_str());
    name = r[0][1].as<std::string>();
    const long total = r[0][2].as<long>() + add;
    if (add < 1)
      throw validation_error({"sessions to add (" + std::to_string(add) + ") must be >= 1"});
    if (total > 1'000'000)
      throw validation_error({"total_sessions (" + std::to_string(total) + ") must be <= 1000000"});
    // Only a finished run is extended: a running one is still claiming its own sessions, and a
    // failed one (cancelled, or no session completed) has nothing to add to.
    if (from != campaign_status::completed)
      throw transition_error("campaign \"" + name + "\" is " + std::string(to_string(from)) +
                             ": only a completed campaign can be given more sessions");
    tx.exec_params(
        "UPDATE campaigns SET status='running', total_sessions=$2, completed_at=NULL, "
        "updated_at=now() WHERE id=$1",
        id.str(), static_cast<int>(total));
    tx.commit();
  } catch (const transition_error&) {
    throw;
  } catch (const not_found_error&) {
    throw;
  } catch (const validation_error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error("campaign \"" + name + "\" extension");
  }
  return *find(id);
}

}  // namespace footfall::storage
