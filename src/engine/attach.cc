// Engine::attach: `ward attach`'s client of the monitor's attach socket
// (engine/monitor/attach_protocol.h).
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

#include <fmt/format.h>

#include "engine/container_events.h"
#include "engine/detach_keys.h"
#include "engine/engine.h"
#include "engine/monitor/attach_protocol.h"
#include "engine/socket_dir.h"
#include "util/blocked_signals.h"
#include "util/sys.h"
#include "util/terminal.h"

namespace ward::engine {

namespace {

using monitor::AttachFrame;

// The signals Docker's --sig-proxy forwards: all but those that belong to
// this process's own terminal and children.
sigset_t proxied_signals() {
  sigset_t set;
  ::sigemptyset(&set);
  for (int signal : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT, SIGTSTP, SIGVTALRM, SIGPROF,
                     SIGIO, SIGPWR, SIGSYS})
    ::sigaddset(&set, signal);
  return set;
}

Result<> send_frame(int sock, AttachFrame kind, std::string_view data) {
  for (std::size_t offset = 0; offset < data.size(); offset += monitor::kAttachFrameMax - 1) {
    std::string frame(1, static_cast<char>(kind));
    frame.append(data.substr(offset, monitor::kAttachFrameMax - 1));
    ssize_t sent;
    while ((sent = ::send(sock, frame.data(), frame.size(), MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    if (sent < 0) return fail_errno(errno, "send to the container's monitor");
  }
  return {};
}

void send_window_size(int sock, int terminal) {
  if (auto size = term::window_size(terminal)) {
    std::string frame = monitor::encode_resize(size->rows, size->columns);
    (void)::send(sock, frame.data(), frame.size(), MSG_NOSIGNAL);
  }
}

std::string attach_name(const std::string& id) {
  std::string path = monitor::attach_socket_path("", id);
  return path.substr(path.rfind('/') + 1);
}

}  // namespace

Result<AttachOutcome> Engine::attach(const ContainerRecord& container, const AttachRequest& request) {
  auto current = WARD_TRY(reconcile(container));
  if (current.paused) return fail(ErrorKind::wrong_state, "You cannot attach to a paused container, unpause it first");
  if (current.status != ContainerStatus::running)
    return fail(ErrorKind::wrong_state, "You cannot attach to a stopped container, start it first");
  const bool tty = current.spec.tty;
  bool stdin_open = request.stdin && current.spec.open_stdin;
  // Blocked before the monitor can count this client: a signal sent as
  // soon as the attach shows is then pending, and forwarded, rather than
  // ending ward with its default action.
  sigset_t signals;
  if (request.sig_proxy && !tty)
    signals = proxied_signals();
  else
    ::sigemptyset(&signals);
  if (tty) ::sigaddset(&signals, SIGWINCH);
  BlockedSignals blocked(signals);
  int raw_sfd = ::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (raw_sfd < 0) return fail_errno(errno, "signalfd");
  UniqueFd signal_fd(raw_sfd);

  auto dir = WARD_TRY(SocketDir::open(run_root_ + "/containers"));
  auto connected = dir.connect(attach_name(current.id), SOCK_SEQPACKET);
  if (!connected)
    return fail(ErrorKind::wrong_state,
                fmt::format("container {} runs in the foreground of its ward run and cannot be attached "
                            "(ward attach reaches containers started with run -d or start)",
                            current.name));
  UniqueFd sock = std::move(*connected);
  note_container_event(store_.database(), current, "attach");
  std::optional<term::RawTerminal> raw;
  if (tty && stdin_open) raw.emplace(STDIN_FILENO);
  if (tty) send_window_size(sock.get(), stdin_open ? STDIN_FILENO : STDOUT_FILENO);

  DetachKeyMatcher keys(request.detach_keys);
  std::string buffer(monitor::kAttachFrameMax, '\0');
  for (;;) {
    struct pollfd fds[3] = {
        {sock.get(), POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}, {signal_fd.get(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "poll");
    }
    if (fds[0].revents != 0) {
      ssize_t n = ::recv(sock.get(), buffer.data(), buffer.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the monitor let go: the container stopped
      int out = static_cast<AttachFrame>(buffer[0]) == AttachFrame::stderr_data ? STDERR_FILENO : STDOUT_FILENO;
      (void)sys::raw::write_all(out, buffer.data() + 1, static_cast<std::size_t>(n - 1));
    }
    if (stdin_open && fds[1].revents != 0) {
      char input[4096];
      ssize_t n = sys::raw::read_some(STDIN_FILENO, input, sizeof(input));
      if (n <= 0) {
        stdin_open = false;  // as Docker: the output goes on until the container stops
      } else {
        std::string passed;
        bool detached = keys.feed(std::string_view(input, static_cast<std::size_t>(n)), passed);
        if (!passed.empty()) WARD_TRY(send_frame(sock.get(), AttachFrame::stdin_data, passed));
        if (detached) return AttachOutcome{true, 0};
      }
    }
    if (fds[2].revents != 0) {
      struct signalfd_siginfo info;
      while (sys::raw::read_some(signal_fd.get(), &info, sizeof(info)) == sizeof(info)) {
        int signal = static_cast<int>(info.ssi_signo);
        if (signal == SIGWINCH)
          send_window_size(sock.get(), stdin_open ? STDIN_FILENO : STDOUT_FILENO);
        else
          (void)runtime_.kill(current.id, signal, false);
      }
    }
  }
  raw.reset();
  auto ended = WARD_TRY(wait_until_not_running(current.id, -1));
  return AttachOutcome{false, ended.exit_code};
}

}  // namespace ward::engine
