#include "storage/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/errors.hpp"

namespace footfall::storage::detail {

ids postgres_ids() {
  const passwd* pw = ::getpwnam("postgres");
  if (!pw)
    throw database_error(
        "running as root, but there is no 'postgres' system user to run PostgreSQL as "
        "(install postgresql-15 or run footfall as an ordinary user)");
  return {pw->pw_uid, pw->pw_gid};
}

process_result run_process(const std::vector<std::string>& argv, bool as_postgres) {
  // Everything the child needs is prepared before fork(): after it only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ids who{};
  if (as_postgres) who = postgres_ids();

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw database_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw database_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    // No inherited descriptor may reach the postmaster that pg_ctl leaves running (it would
    // keep our flock or a caller's pipe open for the server's whole life).
    ::close_range(3, ~0U, 0);
    if (as_postgres) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0) _exit(126);
      // The caller's cwd (e.g. /root) may be unreadable for postgres; initdb complains then.
      if (::chdir("/") != 0) _exit(126);
    }
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(fds[1]);
  process_result r;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) r.output.append(buf, std::size_t(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace footfall::storage::detail
