#include "runtime/hooks.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/log.h"
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

Result<UniqueFd> make_memfd(const char* name, std::string_view text) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "memfd_create");
  UniqueFd memfd(fd);
  if (ssize_t n = sys::raw::write_all(fd, text.data(), text.size()); n < 0)
    return fail_errno(static_cast<int>(-n), "write hook state");
  return memfd;
}

namespace {

// Runs hooks[i] with the state memfd on stdin.
Result<> run_one_hook(const std::vector<oci::Hook>& hooks, size_t i, int state_fd, std::string_view kind) {
  HookPlan plan;
  plan.path = hooks[i].path;
  std::vector<std::string> args = hooks[i].args;
  if (args.empty()) args.push_back(hooks[i].path);
  plan.argv.assign(std::move(args));
  plan.envp.assign(hooks[i].env);
  plan.timeout_seconds = hooks[i].timeout.value_or(0);
  ChildError err;
  if (raw::run_hook(plan, state_fd, err) < 0)
    return std::unexpected(Error{err.code, fmt::format("{} hook #{}: {}", kind, i, err.text.c_str()), {}});
  return {};
}

}  // namespace

void run_hooks_warning_only(const std::vector<oci::Hook>& hooks, const std::string& state_json,
                            std::string_view kind) {
  if (hooks.empty()) return;
  auto state = make_memfd("ward-hook-state", state_json);
  if (!state) {
    log::warning(fmt::format("{} hooks: {}", kind, state.error().what()));
    return;
  }
  for (size_t i = 0; i < hooks.size(); ++i)
    if (auto r = run_one_hook(hooks, i, state->get(), kind); !r) log::warning(r.error().what());
}

Result<> run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state_json, std::string_view kind) {
  if (hooks.empty()) return {};
  auto state = make_memfd("ward-hook-state", state_json);
  if (!state) return std::unexpected(state.error());
  for (size_t i = 0; i < hooks.size(); ++i) {
    WARD_TRY(run_one_hook(hooks, i, state->get(), kind));
  }
  return {};
}

}  // namespace ward::runtime
