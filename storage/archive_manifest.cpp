#include "storage/archive_manifest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "storage/archive_files.hpp"

namespace footfall::storage {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json to_json(const archive_manifest& m) {
  json files = json::array(), campaigns = json::array();
  for (const auto& f : m.files)
    files.push_back({{"table", f.table}, {"day", f.day}, {"path", f.path}, {"columns", f.columns},
                     {"rows", f.rows}, {"bytes", f.bytes}, {"raw_bytes", f.raw_bytes},
                     {"sha256", f.sha256}, {"format", "postgresql-copy-text+zstd"}});
  for (const auto& c : m.campaigns)
    campaigns.push_back({{"id", c.id}, {"name", c.name}, {"sessions", c.sessions}});
  return {{"footfall_archive", m.format}, {"schema", m.schema}, {"schema_version", m.schema_version},
          {"created_at", m.created_at}, {"time_range", {{"from", m.from}, {"to", m.to}}},
          {"campaigns", campaigns}, {"files", files}};
}

archive_manifest from_json(const json& j) {
  archive_manifest m;
  m.format = j.at("footfall_archive").get<int>();
  m.schema = j.at("schema").get<std::string>();
  m.schema_version = j.at("schema_version").get<int>();
  m.created_at = j.at("created_at").get<std::string>();
  m.from = j.at("time_range").at("from").get<std::string>();
  m.to = j.at("time_range").at("to").get<std::string>();
  for (const auto& c : j.at("campaigns"))
    m.campaigns.push_back({c.at("id").get<std::string>(), c.at("name").get<std::string>(),
                           c.at("sessions").get<std::int64_t>()});
  for (const auto& f : j.at("files")) {
    archive_file a;
    a.table = f.at("table").get<std::string>();
    a.day = f.at("day").get<std::string>();
    a.path = f.at("path").get<std::string>();
    a.columns = f.at("columns").get<std::vector<std::string>>();
    a.rows = f.at("rows").get<std::int64_t>();
    a.bytes = f.at("bytes").get<std::uint64_t>();
    a.raw_bytes = f.at("raw_bytes").get<std::uint64_t>();
    a.sha256 = f.at("sha256").get<std::string>();
    m.files.push_back(std::move(a));
  }
  return m;
}

}  // namespace

void write_manifest(const fs::path& dir, const archive_manifest& m) {
  const auto path = dir / "manifest.json", tmp = dir / "manifest.json.tmp";
  const auto text = to_json(m).dump(2) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + tmp.string());
  const bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::system_error(ok ? errno : err, std::generic_category(), "cannot write " + path.string());
  fsync_directory(dir);
}

archive_manifest read_manifest(const fs::path& dir) {
  const auto path = dir / "manifest.json";
  std::ifstream in(path);
  if (!in) throw archive_error(path.string() + ": cannot be read (not a footfall archive?)");
  try {
    auto m = from_json(json::parse(in));
    if (m.format < 1 || m.format > archive_format)
      throw archive_error(path.string() + ": footfall_archive format " + std::to_string(m.format) +
                          " is not one this footfall reads (1.." + std::to_string(archive_format) + ")");
    for (const auto& f : m.files)
      if (f.path.empty() || f.path.find("..") != std::string::npos || f.path.front() == '/')
        throw archive_error(path.string() + ": file path '" + f.path + "' leaves the archive");
    return m;
  } catch (const json::exception& e) {
    throw archive_error(path.string() + ": not a footfall manifest (" + e.what() + ")");
  }
}

std::vector<fs::path> archive_runs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw archive_error(dir.string() + ": not a directory (expected a footfall archive)");
  if (fs::exists(dir / "manifest.json")) return {dir};
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory() && e.path().filename().string().front() != '.' &&
        fs::exists(e.path() / "manifest.json"))
      runs.push_back(e.path());
  if (runs.empty())
    throw archive_error(dir.string() + ": not a footfall archive (no manifest.json in it or in "
                        "its subdirectories)");
  std::sort(runs.begin(), runs.end());
  return runs;
}

std::vector<archive_run> list_archive(const fs::path& dir) {
  std::vector<archive_run> out;
  for (const auto& run : archive_runs(dir)) out.push_back({run, read_manifest(run)});
  return out;
}

}  // namespace footfall::storage
