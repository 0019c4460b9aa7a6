// Every numeric flag has a range: a value outside it exits 2 naming the flag and the rule, before
// anything is created (no database, no browser). Run against the real footfall binary.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "engine_fixture.hpp"

using namespace footfall;

namespace {
test::proc_result footfall_cli(std::vector<std::string> args) {
  args.insert(args.begin(), FOOTFALL_BINARY);
  auto p = test::spawn(args);
  return test::wait(p, std::chrono::seconds(60));
}

// `args` must exit 2 with every one of `words` on stderr.
void refused(const std::vector<std::string>& args, const std::vector<std::string>& words) {
  const auto r = footfall_cli(args);
  std::string cmd;
  for (const auto& a : args) cmd += a + " ";
  CAPTURE(cmd);
  CAPTURE(r.err);
  CHECK(r.exit_code == 2);
  for (const auto& w : words) CHECK(r.err.find(w) != std::string::npos);
}

// A database nobody listens on: a run that got past its flags fails at once with exit 3.
const std::string nowhere = "postgresql://127.0.0.1:1/none";
}  // namespace

TEST_CASE("flags: run and worker refuse out-of-range numbers, naming the flag and the rule") {
  struct bad {
    std::string flag, value, rule;
  };
  const std::vector<bad> cases{
      {"--pace", "-1", "between 0 and 100"},
      {"--pace", "nan", "between 0 and 100"},
      {"--pace", "101", "between 0 and 100"},
      {"--browsers", "0", "an integer between 1 and 256"},
      {"--browsers", "-2", "an integer between 1 and 256"},
      {"--contexts-per-browser", "0", "an integer between 1 and 256"},
      {"--lease-s", "0", "between 0.5 and 3600"},
      {"--lease-s", "-5", "between 0.5 and 3600"},
      {"--slow-mo", "-3", "between 0 and 60000"},
      {"--outage-budget-s", "-1", "between 0 and 86400"},
      {"--metrics-linger", "-1", "between 0 and 3600"},
  };
  for (const auto& c : cases) {
    refused({"run", "c.json", c.flag, c.value, "--database-url", nowhere}, {c.flag + ":", c.rule});
    refused({"worker", "c", c.flag, c.value, "--database-url", nowhere}, {c.flag + ":", c.rule});
  }
  // Not a number at all: program_options' own words, naming the flag.
  refused({"worker", "c", "--browsers", "1.5", "--database-url", nowhere}, {"--browsers"});
  refused({"worker", "c", "--browsers", "99999999999", "--database-url", nowhere}, {"--browsers"});
}

TEST_CASE("flags: values at the edges of their range pass the flags (and fail later, exit 3)") {
  for (const std::vector<std::string>& ok :
       {std::vector<std::string>{"--pace", "0"}, {"--pace", "100"}, {"--browsers", "1"},
        {"--contexts-per-browser", "256"}, {"--lease-s", "0.5"}, {"--slow-mo", "0"}}) {
    auto args = std::vector<std::string>{"worker", "c", "--database-url", nowhere};
    args.insert(args.end(), ok.begin(), ok.end());
    const auto r = footfall_cli(args);
    CAPTURE(ok[0]);
    CAPTURE(r.err);
    CHECK(r.exit_code == 3);
  }
}

TEST_CASE("flags: replay, visit and db refuse out-of-range numbers too") {
  const std::string id = "01890000-0000-7000-8000-000000000000";
  refused({"replay", id, "--speed", "0"}, {"--speed:", "between 0.001 and 1000"});
  refused({"replay", id, "--speed", "-1"}, {"--speed:"});
  refused({"replay", id, "--tolerance", "-1"}, {"--tolerance:", "between 0 and 10000"});
  refused({"replay", id, "--timeout-ms", "0"}, {"--timeout-ms:", "between 1 and 3600000"});
  refused({"replay", id, "--slow-mo", "-1"}, {"--slow-mo:"});
  refused({"visit", "http://127.0.0.1:1/", "--timeout-ms", "-5"}, {"--timeout-ms:"});
  refused({"visit", "http://127.0.0.1:1/", "--seed", "-1"}, {"--seed:"});
  refused({"db", "retention", "--completed-days", "0"}, {"--completed-days:", "between 1 and 36500"});
  refused({"db", "partitions", "--days-ahead", "-1"}, {"--days-ahead:", "between 0 and 365"});
}

TEST_CASE("flags: a directory or unreadable file is named as such, a NUL in a name is refused") {
  test::fresh_database db;
  test::temp_dir dir;
  refused({"persona", "add", dir.path().string(), "--database-url", db.url()},
          {"is a directory, not a file"});
  refused({"campaign", "create", dir.path().string(), "--database-url", db.url()},
          {"is a directory, not a file"});
  const auto unreadable = dir.path() / "missing.json";
  refused({"persona", "add", unreadable.string(), "--database-url", db.url()},
          {"cannot be read", "No such file or directory"});
  // A NUL in the campaign's name (as JSON allows): refused with the field, not cut to "a".
  const auto file = dir.path() / "nul.json";
  std::ofstream(file) << R"({"name": "a\u0000b", "target_url": "http://127.0.0.1:9/",
    "total_sessions": 1, "concurrent_sessions": 1,
    "persona": {"name": "nul-test", "session_duration_min": 5, "session_duration_max": 10,
                "pages_min": 1, "pages_max": 1, "actions_per_page_min": 1,
                "actions_per_page_max": 1}})";
  refused({"campaign", "create", file.string(), "--database-url", db.url()},
          {"name contains a control character (U+0000 at byte 2)"});
  CHECK(db.count("SELECT count(*) FROM campaigns") == 0);
}
