#include "runtime/seccomp_listener.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "oci/config.h"
#include "util/fd.h"
#include "util/sys.h"

namespace ward::runtime {

std::string container_process_state_json(const ContainerState& state, Status status, pid_t pid,
                                         const std::string& metadata) {
  nlohmann::json document = {
      {"ociVersion", oci::kRuntimeSpecVersion},
      {"fds", {"seccompFd"}},
      {"pid", pid},
      {"state", nlohmann::json::parse(oci_state_json(state, status, false))},
  };
  if (!metadata.empty()) document["metadata"] = metadata;
  return document.dump();
}

Result<> send_to_seccomp_listener(const std::string& listener_path, const std::string& payload, int notify_fd,
                                  int timeout_seconds) {
  const std::string field = "linux.seccomp.listenerPath";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (listener_path.size() >= sizeof(address.sun_path)) return fail(field + ": path too long: " + listener_path);
  std::memcpy(address.sun_path, listener_path.c_str(), listener_path.size() + 1);
  int raw_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (raw_fd < 0) return fail_errno(errno, field + ": socket");
  UniqueFd sock(raw_fd);
  // An AF_UNIX connect waits on a full backlog for the send timeout, so
  // one timeout bounds both.
  timeval timeout{timeout_seconds, 0};
  if (::setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)) < 0)
    return fail_errno(errno, field + ": set a send timeout");
  while (::connect(sock.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) {
    if (errno != EINTR) return fail_errno(errno, field + ": connect " + listener_path);
  }

  // The fd goes with the first sendmsg only, as the runtime-spec asks.
  size_t sent = 0;
  while (sent < payload.size()) {
    ssize_t n = sys::raw::send_with_fd(sock.get(), payload.data() + sent, payload.size() - sent,
                                       sent == 0 ? notify_fd : -1);
    if (n < 0) return fail_errno(static_cast<int>(-n), field + ": send the container process state to " + listener_path);
    sent += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace ward::runtime
