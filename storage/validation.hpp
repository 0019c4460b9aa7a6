#pragma once
/// The data model's rules, checked in C++ before any SQL runs, with messages that name the entity,
/// the field and the rule: `persona "casual": pages_min (5) > pages_max (3)`. The database has
/// the same rules as CHECK constraints (storage/migrations), so a row that skips validation is
/// still refused.
#include <string>
#include <vector>

#include "storage/records.hpp"

namespace footfall::storage {

/// Every broken rule of a persona (empty when valid): name 1–100 chars without control characters
/// (NUL included), session_duration_min > 0,
/// session_duration_min <= session_duration_max, pages_min > 0, pages_min <= pages_max,
/// actions_per_page_min >= 0, actions_per_page_min <= actions_per_page_max, each probability in
/// [0, 1].
std::vector<std::string> validate(const persona& p);

/// Every broken rule of a campaign: name 1–200 chars without control characters, target_url
/// http(s) and <= 500 chars,
/// total_sessions > 0, concurrent_sessions > 0 and <= total_sessions, rate_limit_delay_ms >= 100,
/// persona_id set, settings a JSON object.
std::vector<std::string> validate(const campaign& c);

/// Every broken rule of a session row: ids set, session_index >= 0, start_url 1–500 chars,
/// user_agent non-empty, viewport positive, counts >= 0.
std::vector<std::string> validate(const session_row& s);

/// Every broken rule of a finished page: ids set, url 1–500 chars, visit_order > 0, left_at >=
/// arrived_at, scroll_depth_percent in [0, 100]; each action points at this visit (id and
/// arrived_at) and action_order runs 1..n in order.
std::vector<std::string> validate(const page_record& p);

/// Throw validation_error listing every problem, if any.
void check(const persona& p);
void check(const campaign& c);
void check(const session_row& s);
void check(const page_record& p);

}  // namespace footfall::storage
