// cdp/json_text: an event's parts split from its text, and objects read without a document.
#include <doctest/doctest.h>

#include <string>

#include "cdp/json_text.hpp"

using namespace footfall::cdp;

TEST_CASE("json_text: split_event takes method, params and session as Chromium lays them out") {
  const auto e = split_event(
      R"({"method":"Network.loadingFinished","params":{"requestId":"1","x":"}"},)"
      R"("sessionId":"S1"})");
  REQUIRE(e);
  CHECK(e->method == "Network.loadingFinished");
  CHECK(e->params == R"({"requestId":"1","x":"}"})");
  CHECK(e->session == "S1");
  // The browser's own events have no session.
  const auto b = split_event(R"({"method":"Target.targetCreated","params":{"a":{"b":1}}})");
  REQUIRE(b);
  CHECK(b->params == R"({"a":{"b":1}})");
  CHECK(b->session.empty());
  // A sessionId inside params is not the message's: the last one is.
  const auto n = split_event(
      R"({"method":"Target.attachedToTarget","params":{"sessionId":"INNER","t":1},)"
      R"("sessionId":"OUT"})");
  REQUIRE(n);
  CHECK(n->session == "OUT");
  CHECK(n->params == R"({"sessionId":"INNER","t":1})");
  // Anything else: not split (the caller parses it whole).
  CHECK_FALSE(split_event(R"({"id":3,"result":{}})"));
  CHECK_FALSE(split_event(R"({"method":"A\u002eb","params":{}})"));
  CHECK_FALSE(split_event(R"({"method":"A.b","sessionId":"S","params":{}})"));
  CHECK_FALSE(split_event(R"({"method":"A.b","params":{},"sessionId":"S\"x"})"));
  CHECK_FALSE(split_event(R"({"method":"A.b","params":{} )"));
}

TEST_CASE("json_text: object_view reads members, nested objects, strings and numbers") {
  const auto v = object_view::of(
      " {\n \"s\" : \"plain\" ,\t\"e\":\"q\\\"uote \\\\ \\u00e9\",\"n\":-12.5e1,\"i\":7,"
      "\"t\":true,\"f\":false,\"z\":null,\"a\":[1,{\"x\":\"]\"},[[]]],"
      "\"o\":{\"deep\":{\"k\":\"v\"},\"s\":\"\\\\\"},\"s\":\"last\"} ");
  REQUIRE(v);
  CHECK(v->size() == 10);
  CHECK(v->string("s") == "last");  // a repeated name: the last, as nlohmann::json keeps it
  CHECK(v->string("e") == "q\"uote \\ \xC3\xA9");
  CHECK(v->number("n") == -125.0);
  CHECK(v->number("i") == 7.0);
  CHECK(v->is_true("t"));
  CHECK_FALSE(v->is_true("f"));
  CHECK_FALSE(v->is_true("missing"));
  CHECK(v->raw("z") == "null");
  CHECK(v->raw("a") == R"([1,{"x":"]"},[[]]])");
  // Wrong types are absent.
  CHECK_FALSE(v->number("s"));
  CHECK_FALSE(v->string("n"));
  CHECK_FALSE(v->object("a"));
  const auto o = v->object("o");
  REQUIRE(o);
  CHECK(o->string("s") == "\\");  // a string ending in an escaped backslash
  const auto deep = o->object("deep");
  REQUIRE(deep);
  CHECK(deep->string("k") == "v");
  CHECK(object_view::of("{}")->size() == 0);
}

TEST_CASE("json_text: object_view refuses what it cannot read safely") {
  CHECK_FALSE(object_view::of(R"({"a":1)"));           // unterminated
  CHECK_FALSE(object_view::of(R"({"a":"x})"));         // unterminated string
  CHECK_FALSE(object_view::of(R"({"a":[1,{"b":2]}})")); // mismatched brackets
  CHECK_FALSE(object_view::of(R"({"a":1} x)"));        // text after the object
  CHECK_FALSE(object_view::of(R"({"\u0061":1})"));     // an escaped name: compared as written
  CHECK_FALSE(object_view::of(R"({"a" 1})"));
  CHECK_FALSE(object_view::of(R"({"a":})"));
  CHECK_FALSE(object_view::of(R"([1])"));
  // An unviewable nested object says so; an absent or non-object member is just absent.
  const auto v = object_view::of(R"({"bad":{"\u0062":1},"num":3})");
  REQUIRE(v);
  bool viewable = true;
  CHECK_FALSE(v->object("bad", &viewable));
  CHECK_FALSE(viewable);
  viewable = true;
  CHECK_FALSE(v->object("num", &viewable));
  CHECK_FALSE(v->object("none", &viewable));
  CHECK(viewable);
}

TEST_CASE("json_text: only JSON's numbers are numbers, and lone surrogates become U+FFFD") {
  const auto v = object_view::of(
      R"({"inf":inf,"minf":-inf,"plus":+1,"half":0.5,"neg":-0.25,"exp":1E3,"x":1x,)"
      R"("lone":"a\ud800b","pair":"\ud83d\ude00"})");
  REQUIRE(v);
  CHECK_FALSE(v->number("inf"));
  CHECK_FALSE(v->number("minf"));
  CHECK_FALSE(v->number("plus"));
  CHECK_FALSE(v->number("x"));
  CHECK(v->number("half") == 0.5);
  CHECK(v->number("neg") == -0.25);
  CHECK(v->number("exp") == 1000.0);
  CHECK(v->string("lone") == "a\xEF\xBF\xBD" "b");
  CHECK(v->string("pair") == "\xF0\x9F\x98\x80");
}
