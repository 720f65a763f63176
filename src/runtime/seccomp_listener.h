// The seccomp agent side of SCMP_ACT_NOTIFY: the runtime-spec's "container
// process state" and the notify fd, sent to linux.seccomp.listenerPath once
// per filter, by `create` (the init's filter) and by `exec` (the new
// process's filter).
#pragma once

#include <sys/types.h>

#include <string>

#include "runtime/state.h"
#include "util/error.h"

namespace ward::runtime {

// {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state"}: `pid`
// is the process whose filter the fd belongs to, `state` the container's
// state document with `status`.  `metadata` (listenerMetadata) is left out
// when empty.
[[nodiscard]] std::string container_process_state_json(const ContainerState& state, Status status, pid_t pid,
                                                       const std::string& metadata);

// Connects to the AF_UNIX SOCK_STREAM socket at `listener_path`, sends
// `payload` with `notify_fd` as SCM_RIGHTS in the first sendmsg, and closes
// the connection.  Connecting and sending give up after `timeout_seconds`,
// so a listener that never reads cannot hang `create`.  Errors name
// linux.seccomp.listenerPath.
[[nodiscard]] Result<> send_to_seccomp_listener(const std::string& listener_path, const std::string& payload,
                                                int notify_fd, int timeout_seconds = 10);

}  // namespace ward::runtime
