// DetachedTerminal: the holder is forked twice (so init, not ward, reaps
// it) and uses only system calls and stack buffers from then on.
#include "engine/exec_terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/sys.h"

namespace ward::engine {

namespace {

constexpr int kListener = 3, kDone = 4;

// The holder, from its second fork: waits for the runtime's connection or
// for ward to finish, takes the master, and drains it until EIO.
[[noreturn]] void hold(int listener, int done) {
  ::setsid();
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0)
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) ::dup2(null, fd);
  // Nothing of ward's stays open in it (its database, its caller's pipes).
  // Moved above the two target numbers first, so neither overwrites the other.
  listener = ::fcntl(listener, F_DUPFD, 10);
  done = ::fcntl(done, F_DUPFD, 10);
  if (listener < 0 || done < 0 || ::dup2(listener, kListener) < 0 || ::dup2(done, kDone) < 0) ::_exit(1);
  sys::raw::close_range(kDone + 1, ~0U, 0);
  for (;;) {
    struct pollfd fds[2] = {{kListener, POLLIN, 0}, {kDone, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      ::_exit(1);
    }
    if ((fds[0].revents & POLLIN) != 0) break;
    // ward is done: a connection it made is queued by now, or none comes.
    if (fds[1].revents != 0) break;
  }
  ::fcntl(kListener, F_SETFL, O_NONBLOCK);
  int connection = ::accept4(kListener, nullptr, nullptr, SOCK_CLOEXEC);
  if (connection < 0) ::_exit(0);
  char name[256];
  int master = -1;
  (void)sys::raw::recv_with_fd(connection, name, sizeof(name), &master);
  ::close(connection);
  ::close(kListener);
  ::close(kDone);
  if (master < 0) ::_exit(0);
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(master, buffer, sizeof(buffer));
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    ::_exit(0);  // EIO: the command and every other holder of its terminal are gone
  }
}

}  // namespace

Result<DetachedTerminal> DetachedTerminal::start(const SocketDir& dir, std::string name) {
  DetachedTerminal terminal(dir, std::move(name));
  UniqueFd listener = WARD_TRY(dir.listen(terminal.name_, SOCK_STREAM));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
  UniqueFd done_read(pipe_fds[0]);
  terminal.done_ = UniqueFd(pipe_fds[1]);
  pid_t child = ::fork();
  if (child < 0) return fail_errno(errno, "fork the terminal's holder");
  if (child == 0) {
    pid_t holder = ::fork();
    if (holder == 0) hold(listener.get(), done_read.get());
    ::_exit(holder < 0 ? 1 : 0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail("fork the terminal's holder: it failed");
  return terminal;
}

DetachedTerminal::~DetachedTerminal() {
  if (dir_ == nullptr || !done_) return;
  std::string path = dir_->path(name_);
  (void)::unlink(path.c_str());
}

}  // namespace ward::engine
