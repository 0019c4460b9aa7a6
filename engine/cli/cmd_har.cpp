// footfall har SESSION_ID [-o FILE]: the session as HAR 1.2 (analytics/har.hpp) — pages are its
// page visits, entries its requests. Exit 0 written, 2 bad input (a malformed or unknown id),
// 3 runtime failure. A session recorded without page health (before migration 0105, or with
// "page_health": false) gets a HAR of its visits with no entries, and stderr says so.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "analytics/har.hpp"
#include "engine/cli/cli_common.hpp"
#include "engine/cli/database.hpp"
#include "storage/page_health_queries.hpp"
#include "storage/repositories.hpp"

namespace footfall::cli {
namespace {

namespace po = boost::program_options;

struct har_flags {
  engine::database_options db;
  std::string session;
  std::string out;
};

const char* synopsis =
    "usage: footfall har SESSION_ID [-o FILE]\n"
    "Writes the session as HAR 1.2 (to stdout, or FILE): pages are its page visits (with their\n"
    "Core Web Vitals as _lcp, _cls, _inp, _fcp, _ttfb), entries its requests with their timing\n"
    "phases. Response bodies and headers are not recorded, so the HAR has none (but the\n"
    "Content-Type and a redirect's Location). Exit 0 written, 2 bad input, 3 runtime failure.";

std::optional<har_flags> parse_har_flags(const args& a) {
  har_flags f;
  po::options_description d("footfall har");
  engine::add_database_flags(d, f.db);
  d.add_options()("session", po::value(&f.session)->required(), "session id (UUID)")(
      "output,o", po::value(&f.out)->value_name("FILE"), "write the HAR here (default stdout)");
  if (!parse_flags(a, d, {"session"}, synopsis)) return std::nullopt;
  if (!storage::uuid::parse(f.session))
    throw usage_error("SESSION_ID: expected a session id (UUID), got '" + f.session + "'");
  return f;
}

}  // namespace

int cmd_har(const args& a) {
  const auto parsed = parse_har_flags(a);
  if (!parsed) return ok;  // --help
  const har_flags& f = *parsed;
  const auto id = *storage::uuid::parse(f.session);
  storage::connection c(engine::open_database(f.db));
  const auto session = storage::session_repository(c).find(id);
  if (!session) throw usage_error("SESSION_ID: no session " + f.session + " in the database");
  const auto visits = storage::visit_repository(c).page_visits(id);
  const auto requests = storage::load_session_requests(c, id);
  int unrecorded = 0;
  for (const auto& v : visits) unrecorded += !v.request_count;
  if (!visits.empty() && unrecorded == int(visits.size()))
    std::cerr << "footfall har: session " << f.session
              << " was recorded without page health (before it existed, or with \"page_health\": "
                 "false): the HAR has its " << visits.size() << " page visits and no entries\n";
  else if (unrecorded > 0)
    std::cerr << "footfall har: " << unrecorded << " of the session's " << visits.size()
              << " page visits have no recorded requests\n";
  const auto har = analytics::build_har(*session, visits, requests, FOOTFALL_VERSION);
  if (f.out.empty()) {
    std::cout << har.dump(1) << "\n";
    return ok;
  }
  std::ofstream out(f.out);
  if (!(out << har.dump(1) << "\n")) {
    std::cerr << "footfall har: cannot write " << f.out << "\n";
    return runtime_failure;
  }
  std::cerr << "footfall har: " << visits.size() << " pages, " << requests.size()
            << " entries written to " << f.out << "\n";
  return ok;
}

}  // namespace footfall::cli
