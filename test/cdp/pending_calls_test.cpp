// Sans-io pending-call table: completion, errors, per-session and global failure.
#include <doctest/doctest.h>

#include "cdp/errors.hpp"
#include "cdp/pending_calls.hpp"

using namespace footfall::cdp;

namespace {
auto closed = [](const pending_call& c) {
  return std::make_exception_ptr(connection_closed(std::string(c.method)));
};
}

TEST_CASE("pending calls: ids are sequential and a reply completes its own call only") {
  pending_call_table t;
  pending_call a, b;
  a.method = "Runtime.evaluate";
  b.method = "Page.navigate";
  auto ia = t.next_id(), ib = t.next_id();
  CHECK(ia == 1);
  CHECK(ib == 2);
  t.insert(ia, a);
  t.insert(ib, b);
  CHECK(t.complete(ib, json{{"frameId", "F"}}));
  CHECK(b.done);
  CHECK(b.result["frameId"] == "F");
  CHECK_FALSE(a.done);
  CHECK(t.size() == 1);
  CHECK_FALSE(t.complete(ib, json::object()));  // a duplicate or late reply is ignored
  CHECK(t.issued() == 2);
}

TEST_CASE("pending calls: an error reply carries the method") {
  pending_call_table t;
  pending_call a;
  a.method = "DOM.nope";
  auto id = t.next_id();
  t.insert(id, a);
  t.complete_error(id, [](const pending_call& c) {
    return std::make_exception_ptr(protocol_error(std::string(c.method), -32601, "not found"));
  });
  REQUIRE(a.done);
  try {
    std::rethrow_exception(a.error);
    FAIL("no error");
  } catch (const protocol_error& e) {
    CHECK(e.method == "DOM.nope");
    CHECK(e.code == -32601);
    CHECK(std::string(e.what()).find("DOM.nope") != std::string::npos);
  }
}

TEST_CASE("pending calls: a detached session fails its calls, not the others'") {
  pending_call_table t;
  pending_call a, b, c;
  a.session = "S1";
  b.session = "S2";
  c.session = "S1";
  t.insert(t.next_id(), a);
  t.insert(t.next_id(), b);
  t.insert(t.next_id(), c);
  t.fail_session(
      "S1", [](const pending_call&) { return std::make_exception_ptr(target_closed("detached")); });
  CHECK(a.done);
  CHECK(c.done);
  CHECK_FALSE(b.done);
  CHECK_THROWS_AS(std::rethrow_exception(a.error), target_closed);
  CHECK(t.size() == 1);
}

TEST_CASE("pending calls: a closed socket fails everything, an erased call is not completed") {
  pending_call_table t;
  pending_call a, b;
  auto ia = t.next_id();
  t.insert(ia, a);
  t.insert(t.next_id(), b);
  t.erase(ia);  // its deadline passed
  t.fail_all(closed);
  CHECK_FALSE(a.done);
  CHECK(b.done);
  CHECK_THROWS_AS(std::rethrow_exception(b.error), connection_closed);
  CHECK(t.size() == 0);
}

TEST_CASE("pending calls: deadlines expire only the calls that are due") {
  using clock = std::chrono::steady_clock;
  pending_call_table t;
  const auto now = clock::now();
  pending_call a, b;
  a.method = "Page.navigate";
  a.deadline = now + std::chrono::milliseconds(100);
  a.timeout = std::chrono::milliseconds(100);
  b.deadline = now + std::chrono::milliseconds(5000);
  t.insert(t.next_id(), a);
  t.insert(t.next_id(), b);
  CHECK(t.earliest_deadline() == a.deadline);
  auto timed_out = [](const pending_call& c) {
    return std::make_exception_ptr(timeout_error(std::string(c.method), c.timeout.count()));
  };
  CHECK(t.expire(now, timed_out) == 0);
  CHECK(t.expire(now + std::chrono::milliseconds(100), timed_out) == 1);
  REQUIRE(a.done);
  CHECK_FALSE(b.done);
  try {
    std::rethrow_exception(a.error);
  } catch (const timeout_error& e) {
    CHECK(e.method == "Page.navigate");
    CHECK(std::string(e.what()) == "Page.navigate: no reply within 100 ms");
  }
  CHECK(t.earliest_deadline() == b.deadline);
  t.complete(2, json::object());
  CHECK(t.earliest_deadline() == clock::time_point::max());
}
