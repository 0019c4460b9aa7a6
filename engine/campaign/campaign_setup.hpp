#pragma once
/// Making and ending campaigns as `run`, `worker` and `campaign create|cancel` do: a campaign
/// file becomes a stored campaign (its persona resolved, its sessions materialized), and a
/// cancelled campaign's pending sessions are failed so no worker claims them. Bad input throws
/// engine::config_error (the CLI turns it into exit 2).
#include <filesystem>
#include <string>

#include "storage/records.hpp"
#include "storage/uuid.hpp"

namespace footfall::engine {

/// Creates a campaign from `file` (persona resolved: inline ones are upserted by name, a name is
/// looked up in the database, then in personas/NAME.json beside the file; sessions
/// materialized) and returns it. A non-empty `target_url` (already checked by the caller)
/// replaces the file's. With `if_absent`,
/// the latest campaign of the file's name is used when there is one (race-free: workers joining).
storage::campaign create_campaign_from_file(const std::string& database_url,
                                            const std::filesystem::path& file,
                                            const std::string& target_url, bool if_absent);

/// Ends campaign `id` as failed and marks its pending sessions failed ("cancelled"); running
/// sessions finish. A campaign already completed or failed is a storage::transition_error.
void cancel_campaign(const std::string& database_url, const storage::uuid& id);

/// Throws config_error (field and rule) when campaign `id` cannot be given more sessions here
/// (`compare --resolve`): it is missing, not completed (still running, paused, pending, or
/// failed), its stored settings or persona are missing or no longer valid, or it plans
/// open-model arrivals (planned from the campaign's start, which is past).
void check_extendable(const std::string& database_url, const storage::uuid& id);

/// Adds `add` sessions to completed campaign `id` (same config; the next session_index values,
/// so fresh seeds) and makes it running again; returns it. Run it with run_campaign.
storage::campaign extend_campaign(const std::string& database_url, const storage::uuid& id,
                                  int add);

}  // namespace footfall::engine
