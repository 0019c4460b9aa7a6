#pragma once
/// Parsing only what an event's readers use. With page health on, the Network events footfall
/// reads are a third of the bytes it parses (bench/page_health_cost.sh), and nlohmann::json
/// spends ~150 instructions a byte on them: request and response headers, the initiator (a whole
/// JavaScript stack for a script's fetch), security and priority details nobody reads. A
/// projection names the members of an event's params that are read; the rest is skipped in the
/// text before nlohmann::json parses what is left. Sans-io and unit-tested against whole parses
/// of recorded events.
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_set>

#include "cdp/message_repair.hpp"

namespace footfall::cdp {

class event_projection {
 public:
  /// `keep`: member names kept at any depth under params (the path to a kept value names each
  /// object on the way); `whole`: members kept with everything under them.
  event_projection(std::initializer_list<std::string_view> keep,
                   std::initializer_list<std::string_view> whole);
  bool keeps(std::string_view member) const { return keep_.count(member) > 0; }
  bool keeps_whole(std::string_view member) const { return whole_.count(member) > 0; }

 private:
  std::unordered_set<std::string_view> keep_, whole_;
};

/// Parses a message as parse_message() does, keeping every top-level member (method, sessionId,
/// params) but, inside params, only the members `p` keeps. A message that does not parse this
/// way (a lone surrogate to repair, broken text) is handed to parse_message() whole.
parsed_message parse_projected(std::string_view text, const event_projection& p);

}  // namespace footfall::cdp
