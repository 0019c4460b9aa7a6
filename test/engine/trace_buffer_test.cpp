// Unit: the bounds of a session's trace (engine/observe/trace_buffer.hpp) and the no-secret-frames rule,
// without a browser.
#include <doctest/doctest.h>

#include "engine/journey/visit_recorder.hpp"
#include "engine/observe/trace_buffer.hpp"

using namespace footfall;

namespace {
storage::trace_frame frame(int n, std::size_t bytes) {
  return {storage::time_point(std::chrono::seconds(n)), 1, n, 320, 200, std::string(bytes, 'A')};
}
}  // namespace

TEST_CASE("engine/trace: the filmstrip keeps the newest frames within its frame bound") {
  engine::trace_limits l;
  l.max_frames = 3;
  engine::trace_buffer b(l);
  for (int i = 1; i <= 5; ++i) b.add_frame(frame(i, 10));
  REQUIRE(b.frames().size() == 3);
  CHECK(b.frames().front().action_order == 3);
  CHECK(b.frames().back().action_order == 5);
  CHECK(b.frames_dropped() == 2);
  CHECK(b.frame_bytes() == 30);
}

TEST_CASE("engine/trace: the byte bound drops the oldest frames but never the newest") {
  engine::trace_limits l;
  l.max_frame_bytes = 100;
  engine::trace_buffer b(l);
  b.add_frame(frame(1, 40));
  b.add_frame(frame(2, 40));
  CHECK(b.frames().size() == 2);
  b.add_frame(frame(3, 40));  // 120 > 100: frame 1 goes
  REQUIRE(b.frames().size() == 2);
  CHECK(b.frames().front().action_order == 2);
  b.add_frame(frame(4, 500));  // alone over the bound: kept, everything older goes
  REQUIRE(b.frames().size() == 1);
  CHECK(b.frames().front().action_order == 4);
  CHECK(b.frames_dropped() == 3);
  const auto t = b.take(storage::uuid::v7(), 2, "full");
  CHECK(t.frames.size() == 1);
  CHECK(t.frames_dropped == 3);
  CHECK(t.attempt == 2);
  CHECK(t.bytes() == 500);
  CHECK(b.frames().empty());
}

TEST_CASE("engine/trace: errors are a ring of the newest, their text cut on a character") {
  engine::trace_limits l;
  l.max_errors = 2;
  l.max_error_text = 5;
  engine::trace_buffer b(l);
  b.add_error({{}, "console", "one", ""});
  b.add_error({{}, "console", "two", ""});
  b.add_error({{}, "network", "abcd\xC3\xA9xyz", "http://127.0.0.1/x"});  // é spans bytes 4-5
  REQUIRE(b.errors().size() == 2);
  CHECK(b.errors().front().text == "two");
  CHECK(b.errors().back().text == "abcd…");
  CHECK(b.errors_dropped() == 1);
}

TEST_CASE("engine/trace: a visit where a value was redacted takes no more frames until the next") {
  engine::visit_recorder rec(storage::uuid::v7(), [](storage::page_record) {});
  engine::arrival a;
  a.facts.url = "http://127.0.0.1:8080/secrets.html";
  rec.arrive(a, 10);
  engine::element_target notes, card;
  notes.tag = card.tag = "input";
  notes.name = "notes";
  card.autocomplete = "cc-number";
  card.secret = true;
  const engine::action_clock clock;
  rec.record(storage::action_type::type, &notes, clock, std::string("hello"));
  CHECK_FALSE(rec.secret_typed());
  rec.record(storage::action_type::type, &card, clock, std::string("4111 1111 1111 1111"));
  CHECK(rec.secret_typed());  // the session runner takes no frame of this page from now on
  rec.record(storage::action_type::scroll, &notes, clock);
  CHECK(rec.secret_typed());
  rec.leave(nullptr);
  rec.arrive(a, 10);  // a new document: frames again
  CHECK_FALSE(rec.secret_typed());
}
