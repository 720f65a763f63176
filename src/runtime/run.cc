// `run`: create and start in one go; in the foreground, forward signals to
// the container, relay its terminal if it has one, and exit with its status.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/launch.h"
#include "util/blocked_signals.h"
#include "util/log.h"
#include "util/sys.h"
#include "util/terminal.h"

namespace ward::runtime {

namespace {

// Returns false once `from` is exhausted.
bool pump(int from, int to) {
  char buf[16384];
  ssize_t n = sys::raw::read_some(from, buf, sizeof(buf));
  if (n <= 0) return false;
  sys::raw::write_all(to, buf, static_cast<size_t>(n));
  return true;
}

}  // namespace

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// Forwards signals and relays the terminal until the init exits; returns
// its wait status.
Result<int> supervise(LaunchedContainer& launched) {
  sigset_t signals;
  ::sigfillset(&signals);
  for (int blocked_not : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTTIN, SIGTTOU})
    ::sigdelset(&signals, blocked_not);
  BlockedSignals blocked(signals);
  int raw_sfd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  if (raw_sfd < 0) return fail_errno(errno, "signalfd");
  UniqueFd sfd(raw_sfd);

  int master = launched.console_master.get();
  std::optional<term::RawTerminal> raw_terminal;
  if (master >= 0) {
    raw_terminal.emplace(0);
    term::copy_window_size(0, master);
  }
  bool stdin_open = master >= 0;
  bool master_open = master >= 0;
  pid_t pid = launched.state.pid;
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    struct pollfd fds[3] = {{sfd.get(), POLLIN, 0},
                            {stdin_open ? 0 : -1, POLLIN, 0},
                            {master_open ? master : -1, POLLIN, 0}};
    int r = ::poll(fds, 3, -1);
    if (r < 0 && errno != EINTR) return fail_errno(errno, "poll");
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo info;
      if (sys::raw::read_some(sfd.get(), &info, sizeof(info)) == sizeof(info)) {
        int sig = static_cast<int>(info.ssi_signo);
        if (sig == SIGWINCH && master >= 0)
          term::copy_window_size(0, master);
        else if (sig != SIGCHLD && sig != SIGWINCH)
          sys::raw::pidfd_send_signal(launched.pidfd.get(), sig);
      }
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) stdin_open = pump(0, master);
    if (master_open && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) master_open = pump(master, 1);
  }
  // Drain what the container wrote last.
  if (master_open) {
    struct pollfd pfd {master, POLLIN, 0};
    while (::poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN) && pump(master, 1)) {
    }
  }
  return status;
}

Result<int> Runtime::run(const RunOptions& options) {
  auto launched = WARD_TRY(launch_container(store_, options.create, !options.detach));
  if (auto started = start_created(store_, launched.state, launched.pidfd.get()); !started) {
    launched.lock.reset();
    (void)remove(launched.state.id, true);
    return std::unexpected(started.error());
  }
  if (options.on_started) options.on_started(launched.state);
  if (options.detach) return 0;
  launched.lock.reset();  // others may inspect or kill it while it runs
  auto status = WARD_TRY(supervise(launched));
  log::timing("container exited");
  if (!options.keep) {
    if (auto removed = remove(launched.state.id, true); !removed) log::warning(removed.error().what());
  }
  log::timing("deleted");
  return exit_code(status);
}

}  // namespace ward::runtime
