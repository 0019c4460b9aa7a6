#include "storage/records.hpp"

#include <array>

namespace footfall::storage {
namespace {

constexpr std::array<std::string_view, action_type_count> action_names{
    "click", "double_click", "right_click", "scroll", "scroll_to_element", "type", "clear",
    "select", "hover", "drag_and_drop", "key_press", "page_load", "page_unload"};
constexpr std::array<std::string_view, 6> session_names{"pending", "running", "completed", "failed",
                                                        "timeout", "dropped"};
constexpr std::array<std::string_view, 5> campaign_names{"pending", "running", "paused",
                                                         "completed", "failed"};

template <class E, std::size_t N>
std::optional<E> parse_name(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(action_type t) { return action_names.at(static_cast<std::size_t>(t)); }
std::optional<action_type> parse_action_type(std::string_view s) {
  return parse_name<action_type>(action_names, s);
}
std::string_view to_string(session_status s) { return session_names.at(static_cast<std::size_t>(s)); }
std::optional<session_status> parse_session_status(std::string_view s) {
  return parse_name<session_status>(session_names, s);
}
std::string_view to_string(campaign_status s) {
  return campaign_names.at(static_cast<std::size_t>(s));
}
std::optional<campaign_status> parse_campaign_status(std::string_view s) {
  return parse_name<campaign_status>(campaign_names, s);
}

bool campaign_transition_allowed(campaign_status from, campaign_status to) {
  using enum campaign_status;
  switch (from) {
    case pending: return to == running;
    case running: return to == paused || to == completed || to == failed;
    case paused: return to == running;
    default: return false;
  }
}

}  // namespace footfall::storage
