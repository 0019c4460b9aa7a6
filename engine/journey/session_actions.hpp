#pragma once
/// A persona's mid-page actions, chosen on the page by the seeded RNG: click, hover, type,
/// clear, select, drag, key presses, scrolling. Built from engine/journey/actions.hpp.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "engine/journey/actions.hpp"
#include "storage/records.hpp"

namespace footfall::engine {

/// One mid-page action of type `t` (falls back to scrolling when no target fits).
boost::asio::awaitable<void> perform(action_context c, storage::action_type t);

/// Text a visitor types into a field, chosen from the field's type, name and autocomplete.
std::string text_for_field(const std::string& type, const std::string& name,
                           const std::string& autocomplete, rng& r);

}  // namespace footfall::engine
