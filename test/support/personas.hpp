#pragma once
// A persona for tests and benchmarks, set in one expression instead of field by field:
//
//   storage::persona p = test::persona_builder("clicker")
//                            .duration_s(5, 20).pages(3, 4).actions(4, 6)
//                            .odds({.scroll = 0.2, .click = 1.0, .typing = 0});
//
// What a call leaves out keeps storage::persona's default, as an unassigned field did.
#include <string>

#include "storage/records.hpp"

namespace footfall::test {

/// The chance of each kind of action (storage::persona's defaults where a field is left out).
struct action_odds {
  double scroll = storage::persona{}.scroll_probability;
  double click = storage::persona{}.click_probability;
  double typing = storage::persona{}.typing_probability;
};

/// Builds a storage::persona; converts to one where one is expected.
class persona_builder {
 public:
  explicit persona_builder(std::string name = "") { p_.name = std::move(name); }
  /// Starts from `base` (a fixture's persona) and changes what the calls name.
  explicit persona_builder(storage::persona base) : p_(std::move(base)) {}
  /// Session length, seconds.
  persona_builder& duration_s(int min, int max) {
    p_.session_duration_min = min;
    p_.session_duration_max = max;
    return *this;
  }
  persona_builder& pages(int min, int max) {
    p_.pages_min = min;
    p_.pages_max = max;
    return *this;
  }
  /// Actions on each page.
  persona_builder& actions(int min, int max) {
    p_.actions_per_page_min = min;
    p_.actions_per_page_max = max;
    return *this;
  }
  persona_builder& odds(const action_odds& o) {
    p_.scroll_probability = o.scroll;
    p_.click_probability = o.click;
    p_.typing_probability = o.typing;
    return *this;
  }
  storage::persona build() const { return p_; }
  operator storage::persona() const { return p_; }  // NOLINT: a builder stands for its result

 private:
  storage::persona p_;
};

}  // namespace footfall::test
