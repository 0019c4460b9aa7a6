#include <doctest/doctest.h>

#include "engine/persona/links.hpp"

using namespace footfall::engine;

TEST_CASE("links: URLs parse into origin and path") {
  const auto u = parse_url("HTTP://Example.com:8080/a/b?x=1#frag");
  REQUIRE(u);
  CHECK(u->origin() == "http://example.com:8080");
  CHECK(u->path == "/a/b?x=1");
  CHECK(parse_url("https://h")->path == "/");
  CHECK(parse_url("https://h:443/")->origin() == "https://h");
  CHECK_FALSE(parse_url("mailto:a@b.c"));
  CHECK_FALSE(parse_url("javascript:void(0)"));
}

TEST_CASE("links: only same-origin pages that are not downloads are followed") {
  const auto page = *parse_url("http://127.0.0.1:8000/index.html");
  CHECK(judge_link({"http://127.0.0.1:8000/about.html"}, page, nullptr) == link_verdict::ok);
  CHECK(judge_link({"http://127.0.0.1:8001/about.html"}, page, nullptr) ==
        link_verdict::off_origin);
  CHECK(judge_link({"http://localhost:8000/about.html"}, page, nullptr) ==
        link_verdict::off_origin);
  CHECK(judge_link({"mailto:x@y.z"}, page, nullptr) == link_verdict::not_http);
  CHECK(judge_link({"javascript:alert(1)"}, page, nullptr) == link_verdict::not_http);
  CHECK(judge_link({"http://127.0.0.1:8000/files/report.PDF"}, page, nullptr) ==
        link_verdict::download);
  CHECK(judge_link({"http://127.0.0.1:8000/x.html", true}, page, nullptr) ==
        link_verdict::download);
  CHECK(judge_link({"http://127.0.0.1:8000/index.html#top"}, page, nullptr) ==
        link_verdict::same_page);
}

TEST_CASE("links: robots.txt longest match wins, Allow wins ties, groups by agent") {
  const auto r = robots_rules::parse(
      "# comment\nUser-agent: *\nDisallow: /private/\nAllow: /private/open\n"
      "Disallow: /*.cgi$\n\nUser-agent: otherbot\nDisallow: /\n");
  CHECK(r.allowed("/"));
  CHECK(r.allowed("/public/page.html"));
  CHECK_FALSE(r.allowed("/private/x.html"));
  CHECK(r.allowed("/private/open.html"));
  CHECK_FALSE(r.allowed("/bin/run.cgi"));
  CHECK(r.allowed("/bin/run.cgi?x=1"));
  CHECK(r.allowed("/robots.txt"));
  const auto mine =
      robots_rules::parse("User-agent: *\nDisallow: /\n\nUser-agent: footfall\nDisallow: /x\n");
  CHECK(mine.allowed("/y"));
  CHECK_FALSE(mine.allowed("/x"));
  CHECK(robots_rules::parse("User-agent: *\nDisallow:\n").allowed("/anything"));
  const auto page = *parse_url("http://h/index.html");
  CHECK(judge_link({"http://h/private/a.html"}, page, &r) == link_verdict::robots_disallowed);
}

TEST_CASE("links: passwords and card-like values are redacted") {
  CHECK(must_redact("password", "anything", "", "hunter2"));
  CHECK(must_redact("text", "card_number", "", "abc"));
  CHECK(must_redact("text", "x", "cc-number", "abc"));
  CHECK(must_redact("text", "notes", "", "4111 1111 1111 1111"));  // Luhn-valid
  CHECK_FALSE(must_redact("text", "notes", "", "4111 1111 1111 1112"));
  CHECK_FALSE(must_redact("search", "q", "", "the quick brown fox"));
  CHECK_FALSE(must_redact("text", "shipping", "", "home"));
  CHECK(must_redact("text", "pin", "", "1234"));
}

TEST_CASE("links: URL credentials are stripped from URLs and from messages quoting them") {
  CHECK(strip_credentials("http://user:s3cret@127.0.0.1:8080/a?b=c@d") ==
        "http://127.0.0.1:8080/a?b=c@d");
  CHECK(strip_credentials("https://user@example.com") == "https://example.com");
  CHECK(strip_credentials("https://example.com/p@th") == "https://example.com/p@th");
  CHECK(strip_credentials("navigation to http://a:b@h/x failed; then https://c:d@h2/ too") ==
        "navigation to http://h/x failed; then https://h2/ too");
  CHECK(strip_credentials("no url here") == "no url here");
  CHECK(must_redact("text", "otp", "one-time-code", "123456"));
}
