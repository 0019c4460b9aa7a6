// writer::close(timeout): a drain on SIGTERM spools what an unreachable database cannot take
// within the budget it is given, instead of the writer's own close_timeout.
#include <doctest/doctest.h>

#include <fstream>

#include "samples.hpp"
#include "storage/writer.hpp"
#include "support/pg/pg_fixture.hpp"

using namespace footfall;
using namespace footfall::storage;
using namespace std::chrono_literals;

TEST_CASE("writer drain: close(1 s) with the database unreachable spools within the budget") {
  test::temp_dir spool;
  writer_options o;
  o.url = "postgresql://127.0.0.1:1/nowhere";  // nothing listens: connection refused at once
  o.spool_dir = spool.path();
  o.spool_after = 60s;     // the outage rule alone would hold the batch for a minute
  o.close_timeout = 60s;   // and so would the writer's own close()
  writer w{o};
  campaign c;
  c.id = uuid::v7();
  c.persona_id = uuid::v7();
  c.target_url = "http://127.0.0.1:1/";  // a session's start_url is required
  auto s = test::make_session(c, 0);
  w.write(s);
  w.write(test::make_page(s, 1, 3));
  const auto t0 = std::chrono::steady_clock::now();
  w.close(1s);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 3s);
  CHECK(w.stats().batches_spooled >= 1);
  CHECK(w.stats().items_written == 0);
  int lines = 0;
  for (auto& e : std::filesystem::directory_iterator(spool.path()))
    if (e.path().filename().string().rfind("spool-", 0) == 0) {
      std::ifstream in(e.path());
      for (std::string l; std::getline(in, l);) ++lines;
    }
  CHECK(lines >= 2);  // a header and at least one batch
}
