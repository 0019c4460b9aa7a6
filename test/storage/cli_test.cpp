// `footfall db …` as a user runs it: the real binary, next to this test in the build tree.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "storage/migrations.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
namespace fs = std::filesystem;

namespace {
fs::path footfall_binary() {
  // build/test/test_storage -> build/engine/footfall
  const auto p = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "engine" / "footfall";
  REQUIRE_MESSAGE(fs::exists(p), "build the footfall target first: " << p);
  return p;
}

struct run_result {
  int code;
  std::string out;
};
run_result run(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  REQUIRE(f);
  std::array<char, 4096> buf{};
  while (auto n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
  const int status = ::pclose(f);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}
}  // namespace

TEST_CASE("footfall db migrate: ten processes at once migrate exactly once") {
  test::fresh_database db{false};
  const auto bin = footfall_binary().string();
  std::vector<FILE*> procs;
  for (int i = 0; i < 10; ++i)
    procs.push_back(::popen((bin + " db migrate --database-url '" + db.url() + "' 2>/dev/null").c_str(), "r"));
  int applied_lines = 0, ok = 0;
  for (auto* f : procs) {
    REQUIRE(f);
    std::string out;
    std::array<char, 4096> buf{};
    while (auto n = std::fread(buf.data(), 1, buf.size(), f)) out.append(buf.data(), n);
    for (std::size_t pos = 0; (pos = out.find("applied ", pos)) != std::string::npos; ++pos) ++applied_lines;
    const int status = ::pclose(f);
    ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  CHECK(ok == 10);
  const long n = long(storage::embedded_migrations().size());
  CHECK(applied_lines == n);
  CHECK(db.count("SELECT count(*) FROM schema_migrations") == n);
}

TEST_CASE("footfall db partitions / retention / help - and bad flags exit 2") {
  test::fresh_database db;
  const auto bin = footfall_binary().string();
  const auto url = " --database-url '" + db.url() + "'";
  auto parts = run(bin + " db partitions --json" + url);
  CHECK(parts.code == 0);
  CHECK(parts.out.find("\"partition\":\"actions_default\"") != std::string::npos);
  auto ret = run(bin + " db retention" + url);
  CHECK(ret.code == 0);
  CHECK(ret.out == "nothing has expired\n");
  CHECK(run(bin + " db retention --help").out.find("--apply") != std::string::npos);
  CHECK(run(bin + " db partitions --days-ahead -1" + url).code == 2);
  CHECK(run(bin + " db nonsense").code == 2);
  CHECK(run(bin + " db migrate --database-url 'postgresql:///nope?host=/nonexistent'").code == 3);
}
