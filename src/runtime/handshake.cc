#include "runtime/handshake.h"

#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "runtime/child/sync.h"
#include "runtime/launch.h"

namespace ward::runtime {

Error child_failure(const SyncMessage& message) {
  // The text is the child's NUL-terminated FixedText; never trust its end.
  std::string text(message.text, strnlen(message.text, sizeof(message.text)));
  return fail_errno(message.error_code, std::move(text)).error();
}

Result<> SetupHandshake::go() {
  if (int r = raw::sync_send(sock_, SyncType::go); r < 0) return fail_errno(-r, who_);
  return {};
}

Result<> SetupHandshake::until_ready(const HandshakeSteps& steps) {
  for (;;) {
    SyncMessage message;
    int fd = -1;
    int r = raw::sync_recv(sock_, &message, &fd);
    UniqueFd passed(fd);
    if (r < 0) return fail(fmt::format("{} exited during setup", who_));
    switch (message.type) {
      case SyncType::error: return std::unexpected(child_failure(message));
      case SyncType::ready: return {};
      case SyncType::run_runtime_hooks:
        if (!steps.runtime_hooks) break;
        WARD_TRY(steps.runtime_hooks());
        if (int sent = raw::sync_send(sock_, SyncType::hooks_done); sent < 0) return fail_errno(-sent, who_);
        continue;
      case SyncType::console:
        if (!passed) break;
        if (steps.console_socket >= 0) {
          WARD_TRY(send_console(steps.console_socket, passed.get()));
        } else if (steps.console_master != nullptr) {
          *steps.console_master = std::move(passed);
        }
        continue;
      case SyncType::seccomp_fd:
        // The child's filter is loaded and its fd is here: the listener gets
        // it now, or the setup fails and rolls back.
        if (!passed || !steps.seccomp_fd) return fail(fmt::format("{}: SECCOMP_FD without a notify profile", who_));
        WARD_TRY(steps.seccomp_fd(passed.get()));
        continue;
      default: break;
    }
    return fail(fmt::format("{}: unexpected message {}", who_, sync_type_name(message.type)));
  }
}

Result<> SetupHandshake::created() {
  if (int r = raw::sync_send(sock_, SyncType::created); r < 0) return fail_errno(-r, who_);
  for (;;) {
    SyncMessage message;
    int fd = -1;
    if (raw::sync_recv(sock_, &message, &fd) < 0) return {};
    if (fd >= 0) ::close(fd);
  }
}

}  // namespace ward::runtime
