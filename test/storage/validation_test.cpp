#include <doctest/doctest.h>

#include "storage/errors.hpp"
#include "storage/validation.hpp"
#include "support/personas.hpp"

using namespace footfall::storage;
namespace test = footfall::test;

namespace {
bool has(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}
}  // namespace

TEST_CASE("persona validation names the persona - the field and the rule") {
  const persona p =
      test::persona_builder("casual").duration_s(0, 300).pages(5, 3).odds({.scroll = 1.5});
  const auto problems = validate(p);
  CHECK(has(problems, "persona \"casual\": pages_min (5) > pages_max (3)"));
  CHECK(has(problems, "persona \"casual\": scroll_probability (1.5) must be between 0 and 1"));
  CHECK(has(problems, "persona \"casual\": session_duration_min (0) must be > 0"));
  CHECK(problems.size() == 3);
  CHECK_THROWS_WITH_AS(check(p), doctest::Contains("pages_min (5) > pages_max (3)"), validation_error);

  persona ok;
  ok.name = "ok";
  CHECK(validate(ok).empty());
  ok.name = std::string(101, 'x');
  CHECK(validate(ok).size() == 1);
}

TEST_CASE("campaign validation: session counts - rate limit - url - persona") {
  campaign c;
  c.name = "spring";
  c.target_url = "ftp://example";
  c.total_sessions = 10;
  c.concurrent_sessions = 20;
  c.rate_limit_delay_ms = 50;
  const auto problems = validate(c);
  CHECK(has(problems, "campaign \"spring\": concurrent_sessions (20) > total_sessions (10)"));
  CHECK(has(problems, "campaign \"spring\": rate_limit_delay_ms (50) must be >= 100"));
  CHECK(has(problems, "campaign \"spring\": target_url (ftp://example) must start with http:// or https://"));
  CHECK(has(problems, "campaign \"spring\": persona_id is not set"));
}

TEST_CASE("page records: actions must belong to the visit and run 1..n") {
  page_record p;
  p.visit.id = uuid::v7();
  p.visit.session_id = uuid::v7();
  p.visit.url = "http://x/";
  p.visit.arrived_at = clock::now();
  p.visit.left_at = p.visit.arrived_at - std::chrono::seconds(1);
  action_row a;
  a.id = uuid::v7();
  a.page_visit_id = p.visit.id;
  a.page_arrived_at = p.visit.arrived_at;
  a.action_order = 2;
  p.actions.push_back(a);
  const auto problems = validate(p);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("left_at is before arrived_at") != std::string::npos);
  CHECK(problems[1].find("actions[0].action_order (2) must be 1") != std::string::npos);
}

TEST_CASE("campaign status transitions follow the spec") {
  using enum campaign_status;
  CHECK(campaign_transition_allowed(pending, running));
  CHECK(campaign_transition_allowed(running, paused));
  CHECK(campaign_transition_allowed(paused, running));
  CHECK_FALSE(campaign_transition_allowed(pending, completed));
  CHECK_FALSE(campaign_transition_allowed(completed, running));
  CHECK_FALSE(campaign_transition_allowed(paused, completed));
}

TEST_CASE("names: NUL and other control characters are refused with the field, shown escaped") {
  persona p;
  p.name = std::string("a\0b", 3);
  CHECK(has(validate(p), "persona \"a\\u0000b\": name contains a control character (U+0000 at "
                         "byte 2): control characters are not allowed in names"));
  p.name = "two\nlines";
  CHECK(validate(p).size() == 1);
  p.name = "tab\tname";
  CHECK(validate(p).size() == 1);
  p.name = "caf\xC3\xA9 ok";
  CHECK(validate(p).empty());
  campaign c;
  c.name = std::string("x\x7F", 2);
  c.target_url = "http://127.0.0.1/";
  c.persona_id = uuid::v7();
  CHECK(has(validate(c), "campaign \"x\\u007f\": name contains a control character (U+007F at "
                         "byte 2): control characters are not allowed in names"));
}
