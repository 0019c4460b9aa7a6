#include "storage/migrations.hpp"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

#include "storage/connection_impl.hpp"
#include "storage/errors.hpp"

namespace footfall::storage {
namespace detail {
std::vector<migration> embedded_migration_files();  // migrations_embedded.cpp (generated)
}

namespace {
// Any constant works as long as every footfall process uses the same one.
constexpr long long migration_lock_key = 0x666f6f7466616c6cLL;  // "footfall"

const char* const create_ledger = R"(
  CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
  ))";

// Holds the session-level advisory lock for a scope. Released explicitly, and in any case when
// the session ends.
struct advisory_lock {
  pqxx::connection& conn;
  explicit advisory_lock(pqxx::connection& c) : conn(c) {
    pqxx::nontransaction tx{conn};
    tx.exec("SELECT pg_advisory_lock(" + std::to_string(migration_lock_key) + ")");
  }
  ~advisory_lock() {
    try {
      pqxx::nontransaction tx{conn};
      tx.exec("SELECT pg_advisory_unlock(" + std::to_string(migration_lock_key) + ")");
    } catch (...) {  // connection gone: the server released it with the session
    }
  }
};

std::map<int, std::string> recorded(pqxx::connection& conn) {
  pqxx::work tx{conn};
  // to_regclass: a fresh database has no ledger yet, and this read must not create it.
  if (tx.exec1("SELECT to_regclass('schema_migrations') IS NULL")[0].as<bool>()) return {};
  std::map<int, std::string> out;
  for (const auto& row : tx.exec("SELECT version, name FROM schema_migrations ORDER BY version"))
    out.emplace(row[0].as<int>(), row[1].as<std::string>());
  return out;
}

}  // namespace

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all = [] {
    auto v = detail::embedded_migration_files();
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return v;
  }();
  return all;
}

std::vector<std::string> applied_migrations(connection& c) {
  try {
    std::vector<std::string> names;
    for (auto& [v, name] : recorded(c.get().conn)) names.push_back(name);
    return names;
  } catch (...) {
    rethrow_as_storage_error("reading schema_migrations");
  }
}

std::vector<std::string> migrate(connection& c) {
  auto& conn = c.get().conn;
  std::vector<std::string> applied;
  try {
    advisory_lock lock{conn};
    {
      pqxx::work tx{conn};
      tx.exec(create_ledger);
      tx.commit();
    }
    const auto done = recorded(conn);
    for (const auto& m : embedded_migrations()) {
      if (auto it = done.find(m.version); it != done.end()) {
        if (it->second != m.name)
          throw database_error("schema_migrations has version " + std::to_string(m.version) +
                               " as '" + it->second + "' but this binary has '" + m.name +
                               "': the database was migrated by a different footfall build");
        continue;
      }
      try {
        pqxx::work tx{conn};
        tx.exec(m.sql);
        tx.exec("INSERT INTO schema_migrations (version, name) VALUES (" +
                std::to_string(m.version) + ", " + tx.quote(m.name) + ")");
        tx.commit();
      } catch (const database_error&) {
        throw;
      } catch (...) {
        rethrow_as_storage_error("migration " + m.name);
      }
      spdlog::info("applied migration {}", m.name);
      applied.push_back(m.name);
    }
  } catch (const database_error&) {
    throw;
  } catch (const constraint_error&) {
    throw;
  } catch (...) {
    rethrow_as_storage_error("migrating " + redact_url(c.url()));
  }
  return applied;
}

}  // namespace footfall::storage
