#include "engine/cli/database.hpp"

#include <cstdlib>

#include <boost/program_options.hpp>
#include <spdlog/spdlog.h>

#include "storage/connection.hpp"
#include "storage/embedded_server.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"

namespace footfall::engine {
namespace po = boost::program_options;

void add_database_flags(po::options_description& desc, database_options& o) {
  desc.add_options()
      ("database-url", po::value(&o.database_url)->value_name("URL"),
       "PostgreSQL URL (default: $DATABASE_URL, else footfall's embedded server)")
      ("data-dir", po::value(&o.data_dir)->value_name("DIR"),
       "embedded server's data dir (default: $FOOTFALL_DATA_DIR, /var/lib/footfall/pg as root, "
       "else ~/.local/share/footfall/pg)");
}

bool uses_embedded(const database_options& o) {
  const char* env = std::getenv("DATABASE_URL");
  return o.database_url.empty() && !(env && *env);
}

std::string open_database(const database_options& o) {
  std::string url = o.database_url;
  if (url.empty())
    if (const char* env = std::getenv("DATABASE_URL"); env && *env) url = env;
  if (url.empty()) {
    storage::embedded_options eo;
    eo.data_dir = o.data_dir;
    url = storage::embedded_server(eo).ensure_running();
  }
  if (o.migrate) {
    storage::connection c{url};
    const auto applied = storage::migrate(c);
    if (!applied.empty()) spdlog::info("database migrated: {} migration(s) applied", applied.size());
    storage::ensure_partitions(c, storage::clock::now());
  }
  return url;
}

}  // namespace footfall::engine
