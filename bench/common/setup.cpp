#include "bench/common/setup.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include "bench/common/args.hpp"
#include "bench/common/harness.hpp"
#include "storage/connection.hpp"
#include "storage/embedded_server.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"

namespace footfall::bench {

bench_database open_database(const std::string& url, const std::string& data_dir) {
  bench_database db{url};
  if (db.url.empty()) {
    storage::embedded_options eo;
    eo.data_dir = data_dir;
    storage::embedded_server srv(eo);  // the server outlives this object: stop() stops it
    db.url = srv.ensure_running();
    if (auto st = srv.status(); st.pid) db.server_pid = static_cast<int>(*st.pid);
  }
  storage::connection c(db.url);
  storage::migrate(c);
  storage::ensure_partitions(c, storage::clock::now());
  return db;
}

scratch_databases::scratch_databases(const std::string& url, const std::string& data_dir,
                                     std::vector<std::string> names)
    : names_(std::move(names)) {
  if (!url.empty()) {
    urls_.assign(names_.size(), url);
    return;
  }
  storage::embedded_options eo;
  eo.data_dir = data_dir;
  storage::embedded_server server{eo};  // the server outlives this object
  server.ensure_running();
  admin_url_ = server.url("postgres");
  pqxx::connection admin{admin_url_};
  pqxx::nontransaction tx{admin};
  for (const auto& name : names_) {
    urls_.push_back(server.url(name));
    tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + name);
  }
}

scratch_databases::~scratch_databases() {
  if (admin_url_.empty()) return;
  try {
    pqxx::connection admin{admin_url_};
    pqxx::nontransaction tx{admin};
    for (const auto& name : names_) tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  } catch (const std::exception& e) {
    spdlog::warn("scratch databases not dropped: {}", e.what());
  }
}

throughput_run::throughput_run(const std::string& program, std::uint64_t default_actions,
                               int argc, char** argv, std::vector<std::string> databases)
    : actions(default_actions) {
  std::string url, data_dir;
  args a(program);
  a.value("--actions", "N", &actions).value("--rounds", "R", &rounds);
  a.database(&url, &data_dir).parse(argc, argv);
  scratch_ = std::make_unique<scratch_databases>(url, data_dir, std::move(databases));
}

storage::writer_options writer_into(const std::string& url) {
  storage::writer_options o;
  o.url = url;
  return o;
}

namespace {

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

python_site::python_site(const std::string& dir) {
  const int port = free_port();
  pid_ = fork();
  if (pid_ == 0) {
    const std::string p = std::to_string(port);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execlp("python3", "python3", "-m", "http.server", p.c_str(), "--bind", "127.0.0.1",
           "--directory", dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  base_ = "http://127.0.0.1:" + std::to_string(port);
  // Python takes a few hundred milliseconds to bind.
  for (int i = 0; i < 100 && !accepts(port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!accepts(port)) {
    stop();
    throw std::runtime_error("python3 -m http.server did not start on " + base_);
  }
}

void python_site::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = 0;
}

}  // namespace footfall::bench
