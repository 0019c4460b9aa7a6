#pragma once
/// Read-back of one session as `footfall replay` needs it: the session row (viewport, user
/// agent), its page visits and their actions in order, with how each visit was reached and
/// what each action caused (navigation_kind, migration 0035) and its input timing (0040).
#include <optional>
#include <vector>

#include "storage/connection.hpp"
#include "storage/records.hpp"

namespace footfall::storage {

/// A recorded session: its row and every page with its actions, by visit_order/action_order.
struct recording {
  session_row session;
  std::vector<page_record> pages;
};

/// The session `id` as recorded, or nullopt when there is no such session.
std::optional<recording> load_recording(connection& c, const uuid& id);

}  // namespace footfall::storage
