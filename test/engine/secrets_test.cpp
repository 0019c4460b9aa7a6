// Integration: nothing secret is stored. Real Chromium, real PostgreSQL, test/site/secrets.html.
#include <doctest/doctest.h>

#include "engine/engine_fixture.hpp"
#include "support/http_server.hpp"
#include "support/personas.hpp"

using namespace footfall;
using footfall::test::fresh_database;

TEST_CASE("engine: no typed password or card number and no URL credential reaches the database") {
  fresh_database db;
  test::http_server site;
  // Credentials in the start URL: the browser may use them, the database must not keep them.
  auto url = site.url("/secrets.html");
  url.insert(url.find("://") + 3, "visitor:s3cr3t-pw@");
  // A visitor that mostly types, on one page.
  const storage::persona typist = test::persona_builder("typist").duration_s(5, 30).pages(1, 1)
                                      .actions(8, 10).odds({.scroll = 0, .click = 0.1, .typing = 1});
  const auto camp = test::make_campaign(db.url(), typist, url, 3, 3, 11);
  test::recorder_log log;
  auto o = test::test_run_options(db.url(), 3);
  o.before_close = test::read_recorder(&log);
  engine::run_campaign(camp.id, o, true);
  REQUIRE(db.count("SELECT count(*) FROM sessions WHERE status = 'completed'") == 3);

  // The secrets were really typed: the page received key presses in both secret fields.
  int keys_pw = 0, keys_card = 0;
  for (const auto& [id, events] : log.by_session)
    for (const auto& e : events) {
      if (e["type"] != "keydown") continue;
      if (e["target"] == "input#pw") ++keys_pw;
      if (e["target"] == "input#f3") ++keys_card;
    }
  CHECK(keys_pw >= 8);
  CHECK(keys_card >= 16);
  CHECK(db.count("SELECT count(*) FROM actions WHERE input_value = '[redacted]'") >= 2);

  // Every text column of every row the sessions left, searched for what was typed and the URL
  // credential. (campaigns.target_url is the user's own input and out of this test's scope.)
  const std::string where_session =
      "session_id IN (SELECT id FROM sessions WHERE campaign_id = '" + camp.id.str() + "')";
  const std::vector<std::string> tables{
      "SELECT t::text FROM sessions t WHERE campaign_id = '" + camp.id.str() + "'",
      "SELECT t::text FROM page_visits t WHERE " + where_session,
      "SELECT t::text FROM actions t WHERE page_visit_id IN (SELECT id FROM page_visits WHERE " +
          where_session + ")"};
  int rows = 0;
  for (const auto& sql : tables)
    for (const auto& r : db.rows(sql)) {
      ++rows;
      CAPTURE(r[0]);
      CHECK(r[0].find("Pa55word") == std::string::npos);
      CHECK(r[0].find("4111 1111") == std::string::npos);
      CHECK(r[0].find("s3cr3t") == std::string::npos);
    }
  CHECK(rows > 20);
}
