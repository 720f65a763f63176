#include "runtime/child/sync.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace ward::runtime {

namespace raw {

int sync_send(int sock, SyncType type, int error_code, const char* text, int fd) noexcept {
  SyncMessage message;
  message.type = type;
  message.error_code = error_code;
  size_t text_len = 0;
  if (text != nullptr) {
    text_len = std::strlen(text);
    if (text_len >= sizeof(message.text)) text_len = sizeof(message.text) - 1;
    std::memcpy(message.text, text, text_len);
  }
  message.text[text_len] = '\0';

  struct iovec iov;
  iov.iov_base = &message;
  iov.iov_len = offsetof(SyncMessage, text) + text_len + 1;
  struct msghdr header {};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  if (fd >= 0) {
    std::memset(control, 0, sizeof(control));
    header.msg_control = control;
    header.msg_controllen = sizeof(control);
    struct cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  }
  for (;;) {
    ssize_t n = ::sendmsg(sock, &header, MSG_NOSIGNAL);
    if (n >= 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

int sync_recv(int sock, SyncMessage* message, int* fd) noexcept {
  *fd = -1;
  struct iovec iov;
  iov.iov_base = message;
  iov.iov_len = sizeof(*message);
  struct msghdr header {};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  header.msg_control = control;
  header.msg_controllen = sizeof(control);
  ssize_t n;
  for (;;) {
    n = ::recvmsg(sock, &header, MSG_CMSG_CLOEXEC);
    if (n >= 0) break;
    if (errno != EINTR) return -errno;
  }
  if (n == 0) return -EPIPE;
  if (static_cast<size_t>(n) < offsetof(SyncMessage, text) + 1) return -EPROTO;
  message->text[sizeof(message->text) - 1] = '\0';
  for (struct cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
      std::memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
  }
  return 0;
}

}  // namespace raw

const char* sync_type_name(SyncType type) {
  switch (type) {
    case SyncType::go: return "GO";
    case SyncType::init_pid: return "INIT_PID";
    case SyncType::run_runtime_hooks: return "RUN_RUNTIME_HOOKS";
    case SyncType::hooks_done: return "HOOKS_DONE";
    case SyncType::console: return "CONSOLE";
    case SyncType::seccomp_fd: return "SECCOMP_FD";
    case SyncType::ready: return "READY";
    case SyncType::created: return "CREATED";
    case SyncType::error: return "ERROR";
  }
  return "UNKNOWN";
}

}  // namespace ward::runtime
