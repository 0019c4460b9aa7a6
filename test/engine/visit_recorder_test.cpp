// Unit: the visit recorder fills rows (order, timing, redaction, URL credentials) without a page.
#include <doctest/doctest.h>

#include "engine/journey/visit_recorder.hpp"

using namespace footfall;
using storage::action_type;

namespace {

engine::element_target field(std::string tag, std::string type, std::string name,
                             std::string autocomplete, bool secret) {
  engine::element_target t;
  t.selector = "#" + name;
  t.text = secret ? "" : "label";
  t.tag = std::move(tag);
  t.type = std::move(type);
  t.name = std::move(name);
  t.autocomplete = std::move(autocomplete);
  t.secret = secret;
  t.at = {10, 20};
  return t;
}

}  // namespace

TEST_CASE("visit_recorder: a visit's rows are ordered, redacted and free of URL credentials") {
  std::vector<storage::page_record> pages;
  engine::visit_recorder rec(storage::uuid::v7(),
                             [&](storage::page_record p) { pages.push_back(std::move(p)); });
  engine::arrival a;
  a.facts.url = "http://visitor:s3cret@127.0.0.1:8080/secrets.html";
  a.facts.title = "Sign in";
  a.facts.load_ms = 42;
  a.links = {{"http://127.0.0.1:8080/next.html", false}};
  rec.arrive(a, 99);
  CHECK(rec.in_visit());
  CHECK(rec.visit().url == "http://127.0.0.1:8080/secrets.html");
  CHECK(rec.links().size() == 1);

  const engine::action_clock clock;
  const auto pw = field("input", "password", "pw", "current-password", true);
  const auto card = field("input", "text", "f3", "cc-number", true);
  const auto notes = field("textarea", "", "notes", "", false);
  const auto drag_card = field("div", "", "card", "", false);  // a drag card, not a payment card
  rec.record(action_type::type, &pw, clock, std::string("Pa55word12"));
  rec.record(action_type::type, &card, clock, std::string("4111 1111 1111 1111"));
  rec.record(action_type::type, &notes, clock, std::string("4111 1111 1111 1111"));  // Luhn
  rec.record(action_type::type, &notes, clock, std::string("hello"));
  rec.record(action_type::drag_and_drop, &drag_card, clock, std::string("#dropzone"));
  rec.record_at(action_type::scroll, {300, 400}, clock, "500");

  engine::page_facts last;
  last.scroll_depth_percent = 70;
  last.console_errors = 2;
  last.failed_requests = 1;
  rec.leave(&last);
  CHECK(!rec.in_visit());
  rec.leave(&last);  // no visit open: nothing more
  REQUIRE(pages.size() == 1);
  const auto& p = pages[0];
  CHECK(p.visit.url == "http://127.0.0.1:8080/secrets.html");
  CHECK(p.visit.scroll_depth_percent == 70);
  CHECK(p.visit.console_errors == 2);
  CHECK(p.visit.failed_requests == 1);
  CHECK(p.visit.load_ms == 42);
  REQUIRE(p.actions.size() == 8);
  CHECK(p.actions.front().type == action_type::page_load);
  CHECK(p.actions.front().duration_ms == 42);
  CHECK(p.actions.back().type == action_type::page_unload);
  for (std::size_t i = 0; i < p.actions.size(); ++i) {
    CHECK(p.actions[i].action_order == static_cast<int>(i) + 1);
    CHECK(p.actions[i].page_visit_id == p.visit.id);
  }
  CHECK(p.actions[1].input_value == "[redacted]");
  CHECK(!p.actions[1].element_text);  // a secret field's text is never kept
  CHECK(p.actions[2].input_value == "[redacted]");
  CHECK(p.actions[3].input_value == "[redacted]");
  CHECK(p.actions[4].input_value == "hello");
  CHECK(p.actions[5].input_value == "#dropzone");
  CHECK(p.actions[6].x == 300);
  CHECK(p.actions[6].input_value == "500");
  CHECK(rec.pages() == 1);
  CHECK(rec.total_actions() == 8);
}
