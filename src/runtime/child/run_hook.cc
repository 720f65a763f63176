#include "runtime/child/run_hook.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/sys.h"

namespace ward::runtime {

namespace raw {

int run_hook(const HookPlan& hook, int state_fd, ChildError& err) noexcept {
  if (::lseek(state_fd, 0, SEEK_SET) < 0) return err.set(errno, "hook ", hook.path.c_str(), ": rewind state");
  int pidfd = -1;
  struct clone_args args {};
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  pid_t pid = sys::raw::clone3(&args);
  if (pid < 0) return err.set(-pid, "hook ", hook.path.c_str(), ": clone");
  if (pid == 0) {
    // A hook outliving a killed runtime would act on a container that no
    // longer exists.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (::dup2(state_fd, 0) < 0) ::_exit(126);
    ::execve(hook.path.c_str(), hook.argv.get(), hook.envp.get());
    ::_exit(127);
  }
  int timeout_ms = hook.timeout_seconds > 0 ? hook.timeout_seconds * 1000 : -1;
  struct pollfd pfd {pidfd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    sys::raw::pidfd_send_signal(pidfd, SIGKILL);
    int status;
    ::waitpid(pid, &status, 0);
    ::close(pidfd);
    return err.set(ETIMEDOUT, "hook ", hook.path.c_str(), ": timed out after ",
                   static_cast<long long>(hook.timeout_seconds), "s");
  }
  ::close(pidfd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return err.set(errno, "hook ", hook.path.c_str(), ": wait");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return err.set(0, "hook ", hook.path.c_str(), ": could not be executed (exit status 127)");
  if (WIFEXITED(status))
    return err.set(0, "hook ", hook.path.c_str(), ": exit status ", static_cast<long long>(WEXITSTATUS(status)));
  return err.set(0, "hook ", hook.path.c_str(), ": killed by signal ", static_cast<long long>(WTERMSIG(status)));
}

}  // namespace raw

}  // namespace ward::runtime
