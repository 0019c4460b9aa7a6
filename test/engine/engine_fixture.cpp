#include "engine/engine_fixture.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "support/browser_under_test.hpp"

#include <pqxx/pqxx>

#include "storage/connection.hpp"
#include "storage/embedded_server.hpp"
#include "storage/migrations.hpp"
#include "storage/partitions.hpp"
#include "storage/repositories.hpp"

namespace footfall::test {
namespace {

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

storage::persona busy_persona(const std::string& name) {
  return persona_builder(name).duration_s(5, 30).pages(2, 4).actions(4, 7).odds(
      {.scroll = 0.6, .click = 0.8, .typing = 0.5});
}

storage::campaign make_campaign(const std::string& url, const storage::persona& p,
                                const std::string& target_url, int sessions, int concurrent,
                                std::uint64_t seed,
                                const std::function<void(engine::campaign_settings&)>& tune) {
  storage::connection c{url};
  const auto stored = storage::persona_repository(c).upsert(p);
  storage::campaign camp;
  camp.name = "test-" + std::to_string(seed);
  camp.target_url = target_url;
  camp.total_sessions = sessions;
  camp.concurrent_sessions = concurrent;
  camp.persona_id = stored.id;
  camp.rate_limit_delay_ms = 100;
  camp.seed = seed;
  engine::campaign_settings s;
  s.pace = 0;
  s.user_agents = {"footfall-test-agent/1.0"};
  s.viewports = {{1280, 800}};
  s.navigation_timeout_ms = 15000;
  if (tune) tune(s);
  camp.settings = s.to_json();
  camp = storage::campaign_repository(c).create(camp);
  engine::materialize_sessions(url, camp);
  return camp;
}

void check_counts_equal_rows(const fresh_database& db) {
  for (const auto& r : db.rows(
           "SELECT s.session_index, s.pages_visited, s.total_actions, "
           "(SELECT count(*) FROM page_visits pv WHERE pv.session_id = s.id), "
           "(SELECT count(*) FROM actions a JOIN page_visits pv ON pv.id = a.page_visit_id "
           "WHERE pv.session_id = s.id), s.rows_rejected FROM sessions s ORDER BY 1")) {
    CAPTURE(r[0]);
    CHECK(r[1] == r[3]);
    CHECK(r[2] == r[4]);
    CHECK(r[5] == "0");
  }
}

engine::run_options test_run_options(const std::string& url, int contexts) {
  engine::run_options o;
  o.database_url = url;
  o.pool.browsers = 1;
  o.pool.contexts_per_browser = contexts;
  o.pool.launch.extra_args = {"--hide-scrollbars", "--mute-audio", "--disable-smooth-scrolling"};
  test::use_browser_under_test(o.pool.launch);
  o.pace = 0;
  o.handle_signals = false;
  o.worker_name = "test";
  return o;
}

namespace {
boost::asio::awaitable<void> store_recorder(cdp::page page, storage::session_row row,
                                            recorder_log* log) {
  auto events = co_await page.evaluate(
      "window.__footfallRecorder ? window.__footfallRecorder.events().filter(e => "
      "['mousedown','wheel','keydown','click'].includes(e.type)) : null");
  std::lock_guard lk(log->m);
  log->by_session[row.id.str()] = std::move(events);
}
}  // namespace

engine::page_hook read_recorder(recorder_log* log) {
  return [log](cdp::page p, storage::session_row r) {
    return store_recorder(std::move(p), std::move(r), log);
  };
}

std::vector<recorded_action> session_actions(const fresh_database& db, const std::string& session_id) {
  std::vector<recorded_action> out;
  for (const auto& r : db.rows(
           "SELECT pv.url, a.action_type::text, coalesce(a.element_selector,''), "
           "coalesce(a.input_value,''), coalesce(a.coordinates_x,-1), coalesce(a.coordinates_y,-1) "
           "FROM page_visits pv JOIN actions a ON a.page_visit_id = pv.id WHERE pv.session_id = '" +
           session_id + "' ORDER BY pv.visit_order, a.action_order"))
    out.push_back({r[0], r[1], r[2], r[3], std::stoi(r[4]), std::stoi(r[5])});
  return out;
}

child_proc spawn(const std::vector<std::string>& argv) {
  child_proc c;
  char tmpl[] = "/tmp/ffe-proc-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  c.out_path = dir + "/out";
  c.err_path = dir + "/err";
  c.pid = fork();
  if (c.pid == 0) {
    setpgid(0, 0);
    const int o = open(c.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = open(c.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(c.pid, c.pid);
  return c;
}

proc_result wait(child_proc& c, std::chrono::seconds timeout) {
  proc_result r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(c.pid, &status, WNOHANG);
    if (w == c.pid) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  r.out = slurp(c.out_path);
  r.err = slurp(c.err_path);
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(c.out_path).parent_path(), ec);
  return r;
}

std::pair<proc_result, proc_result> two_workers(const std::string& url,
                                                const std::string& campaign_id,
                                                std::chrono::seconds timeout) {
  auto start = [&] {
    return spawn({FOOTFALL_BINARY, "worker", campaign_id, "--database-url", url, "--browsers", "1",
                  "--contexts-per-browser", "2", "--no-progress", "--json"});
  };
  auto w1 = start(), w2 = start();
  auto r1 = wait(w1, timeout);
  return {std::move(r1), wait(w2, timeout)};
}

}  // namespace footfall::test
