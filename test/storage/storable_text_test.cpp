// Text the writer stores: NUL and ill-formed UTF-8 become U+FFFD, counted; the rest untouched.
// Unit cases, then the real PostgreSQL taking page text it used to refuse.
#include <doctest/doctest.h>

#include "samples.hpp"
#include "storage/repositories.hpp"
#include "storage/storable_text.hpp"
#include "storage/writer.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;

namespace {
const std::string fffd = "\xEF\xBF\xBD";
std::pair<std::string, std::size_t> storable(std::string s) {
  const auto n = make_storable(s);
  return {s, n};
}
}  // namespace

TEST_CASE("storable text: valid UTF-8 is untouched, NUL is replaced, not dropped") {
  CHECK(storable("plain ascii") == std::pair<std::string, std::size_t>{"plain ascii", 0});
  CHECK(storable("caf\xC3\xA9 \xF0\x9F\x98\x80") ==
        std::pair<std::string, std::size_t>{"caf\xC3\xA9 \xF0\x9F\x98\x80", 0});
  CHECK(storable(std::string("NUL\0link", 8)) ==
        std::pair<std::string, std::size_t>{"NUL" + fffd + "link", 1});
  CHECK(storable(std::string("\0\0", 2)) == std::pair<std::string, std::size_t>{fffd + fffd, 2});
}

TEST_CASE("storable text: ill-formed UTF-8 becomes one U+FFFD per maximal subpart") {
  // Unicode §3.9's example: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a, FFFD, FFFD, FFFD, b,
  // FFFD, c, FFFD, FFFD, d.
  auto [s, n] = storable("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64");
  CHECK(s == "a" + fffd + fffd + fffd + "b" + fffd + "c" + fffd + fffd + "d");
  CHECK(n == 6);
  // A character cut in half at the end (text truncated by bytes).
  CHECK(storable("ab\xE2\x82") == std::pair<std::string, std::size_t>{"ab" + fffd, 1});
  // A lone surrogate in CESU-8 / WTF-8 (ED A0 80): three bytes, none a valid prefix after ED.
  CHECK(storable("x\xED\xA0\x80") == std::pair<std::string, std::size_t>{"x" + fffd + fffd + fffd, 3});
  // Overlong and out-of-range leads.
  CHECK(storable("\xC0\xAF").second == 2);
  CHECK(storable("\xF4\x90\x80\x80").second == 4);
  CHECK(storable("\xF4\x8F\xBF\xBF").second == 0);  // U+10FFFF
}

TEST_CASE("storable text: jsonb also refuses the \\u0000 escape, an escaped backslash is no escape") {
  std::string j = R"({"k":"a\u0000b","l":"\\u0000"})";
  CHECK(make_storable_json(j) == 1);
  CHECK(j == R"({"k":"a\ufffdb","l":"\\u0000"})");
}

TEST_CASE("storable text: every text field of a page record, counted on the visit") {
  page_record p;
  p.visit.url = "http://x/";
  p.visit.title = std::string("t\0", 2);
  action_row a;
  a.element_text = std::string("NUL\0link", 8);
  a.element_selector = "a\xFF";
  a.input_value = std::string("v\0", 2);
  a.input_timing = R"({"keys":["\u0000"]})";
  p.actions.push_back(a);
  CHECK(make_storable(p) == 5);
  CHECK(p.visit.text_repairs == 5);
  CHECK(p.visit.title == "t" + fffd);
  CHECK(*p.actions[0].element_text == "NUL" + fffd + "link");
}

TEST_CASE("storable text: the writer stores page text PostgreSQL would refuse, counted per row") {
  test::stored_campaign f("hostile text");
  auto& [db, spool, c, k] = f;
  auto s = test::make_session(k, 0);
  s.error_message = std::string("page said \0", 11);
  writer w{test::writer_into(db.url(), spool.path())};
  w.write(s);
  auto p = test::make_page(s, 1, 2);
  p.visit.title = "a\xED\xA0\x80";  // a lone surrogate as a careless encoder writes it
  p.actions[0].element_text = std::string("NUL\0link", 8);
  p.actions[1].input_value = std::string("\0", 1);
  w.write(p);
  w.close();
  CHECK(w.stats().rejected_items == 0);
  CHECK(w.stats().text_repairs == 6);
  CHECK(db.count("SELECT count(*) FROM page_visits") == 1);
  CHECK(db.count("SELECT count(*) FROM actions") == 2);
  CHECK(db.scalar("SELECT title FROM page_visits") == "a" + fffd + fffd + fffd);
  CHECK(db.scalar("SELECT element_text FROM actions WHERE action_order = 1") == "NUL" + fffd + "link");
  CHECK(db.scalar("SELECT input_value FROM actions WHERE action_order = 2") == fffd);
  CHECK(db.count("SELECT text_repairs FROM page_visits") == 5);
  CHECK(db.count("SELECT text_repairs FROM sessions") == 1);
  // Per campaign: the sum over its sessions and pages.
  CHECK(db.count("SELECT (SELECT sum(text_repairs) FROM sessions) + "
                 "(SELECT sum(v.text_repairs) FROM page_visits v JOIN sessions s ON "
                 "s.id = v.session_id WHERE s.campaign_id = '" + k.id.str() + "')") == 6);
  CHECK(db.count("SELECT rows_rejected FROM sessions") == 0);
  CHECK(session_repository(c).text_repairs(k.id) == 6);  // what `campaign show` prints
}

TEST_CASE("storable text: a page the database still refuses is counted on its session") {
  test::stored_campaign f("refused page");
  auto& [db, spool, c, k] = f;
  const auto s = test::make_session(k, 0);
  // A refusal the C++ side cannot foresee (as a NUL used to be): a trigger on one title.
  db.exec("CREATE FUNCTION refuse_title() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          "IF NEW.title = 'refuse me' THEN RAISE EXCEPTION 'refused for the test' "
          "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$;"
          "CREATE TRIGGER refuse_title BEFORE INSERT ON page_visits FOR EACH ROW "
          "EXECUTE FUNCTION refuse_title();");
  writer w{test::writer_into(db.url(), spool.path())};
  w.write(s);
  w.write(test::make_page(s, 1, 2));
  auto bad = test::make_page(s, 2, 3);
  bad.visit.title = "refuse me";
  w.write(bad);
  auto done = s;
  done.status = session_status::completed;
  w.write(done);  // the final upsert must not reset the count
  w.close();
  CHECK(w.stats().rejected_items == 1);
  CHECK(db.count("SELECT count(*) FROM page_visits") == 1);
  CHECK(db.count("SELECT rows_rejected FROM sessions") == 4);  // the visit and its 3 actions
  CHECK(db.scalar("SELECT status FROM sessions") == "completed");
  auto back = session_repository(c).find(s.id);
  REQUIRE(back);
  CHECK(back->rows_rejected == 4);
  // What `campaign show` and the run's progress read.
  const auto counts = session_repository(c).counts(k.id);
  CHECK(counts.rows_rejected == 4);
  CHECK(counts.sessions_with_rejected_rows == 1);
}
