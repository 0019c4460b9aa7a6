// footfall COMMAND [SUBCOMMAND] [flags] — see --help.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string_view>

#include <spdlog/spdlog.h>

#include "engine/cli/commands.hpp"
#include "engine/cli/logging.hpp"

namespace {

struct command {
  std::string_view name;
  int (*run)(const footfall::cli::args&);
  std::string_view summary;
};

constexpr command commands[] = {
    {"run", footfall::cli::cmd_run, "run a campaign (file or id) with a pool of browsers"},
    {"worker", footfall::cli::cmd_worker, "claim and run sessions of an existing campaign"},
    {"visit", footfall::cli::cmd_visit, "visit one URL: scroll, hover, click, type; print actions"},
    {"persona", footfall::cli::cmd_persona, "persona add|list|show"},
    {"campaign", footfall::cli::cmd_campaign, "campaign create|list|show|pause|resume|cancel"},
    {"db", footfall::cli::cmd_db, "db migrate|start|stop|status|url|partitions|retention|restore|archive"},
    {"analytics", footfall::cli::cmd_analytics, "analytics recompute CAMPAIGN"},
    {"report", footfall::cli::cmd_report, "report CAMPAIGN --format table|json|html|junit"},
    {"compare", footfall::cli::cmd_compare, "compare BASELINE CANDIDATE: regression verdict"},
    {"replay", footfall::cli::cmd_replay, "replay SESSION_ID: perform a recorded session again"},
    {"har", footfall::cli::cmd_har, "har SESSION_ID [-o FILE]: the session as HAR 1.2"},
};

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: footfall COMMAND [SUBCOMMAND] [flags]   (footfall COMMAND --help)\n\n"
               "Simulates persona-driven visitors with real Chromium browsers and records every\n"
               "action in PostgreSQL (--database-url or DATABASE_URL, else an embedded server).\n\n"
               "commands:\n");
  for (const auto& c : commands)
    std::fprintf(out, "  %-10s %.*s\n", std::string(c.name).c_str(), int(c.summary.size()),
                 c.summary.data());
  std::fprintf(out, "\nexit codes: 0 ok, 1 verdict failed, 2 bad input, 3 runtime failure, 4 compare "
                    "inconclusive\n");
}

}  // namespace

int main(int argc, char** argv) {
  using namespace footfall::cli;
  footfall::init_logging();
  if (argc < 2) {
    usage(stderr);
    return bad_input;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return ok;
  }
  for (const auto& c : commands) {
    if (c.name != name) continue;
    try {
      return c.run(args(argv + 2, argv + argc));
    } catch (const usage_error& e) {
      std::fprintf(stderr, "footfall %s: %s\n", argv[1], e.what());
      return bad_input;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "footfall %s: %s\n", argv[1], e.what());
      return runtime_failure;
    }
  }
  std::fprintf(stderr, "footfall: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return bad_input;
}
