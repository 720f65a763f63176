#include "util/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fd.h"
#include "util/sys.h"

extern char** environ;

namespace ward::sys {

Result<CommandOutcome> run_captured(const std::vector<std::string>& argv, Capture capture, int stdin_fd) {
  if (argv.empty()) return fail("run: no program");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return fail_errno(errno, "run " + argv[0] + ": pipe");
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (capture == Capture::stderr_only)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  else
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  if (capture != Capture::stdout_only) posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int r = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();
  if (r != 0) return fail_errno(r, "run " + argv[0]);

  CommandOutcome outcome;
  char buffer[4096];
  for (;;) {
    ssize_t n = raw::read_some(read_end.get(), buffer, sizeof(buffer));
    if (n <= 0) break;
    if (outcome.output.size() < (1u << 20)) outcome.output.append(buffer, static_cast<size_t>(n));
  }
  int status = 0;
  if (raw::retry([&] { return ::waitpid(pid, &status, 0); }) < 0) return fail_errno(errno, "wait for " + argv[0]);
  outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return outcome;
}

}  // namespace ward::sys
