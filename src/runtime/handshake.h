// The parent's side of the setup handshake (child/sync.h), written once for
// the two children ward-oci drives through it: a container's init during
// `create` and a process `exec` adds.  The child sets itself up and asks
// the parent for what only the parent can do (run the runtime's hooks, send
// a pty master to the console socket, pass a seccomp notify fd to its
// listener) until it reports READY; a child's ERROR becomes an Error here
// and nowhere else.
#pragma once

#include <functional>
#include <string>

#include "util/error.h"
#include "util/fd.h"

namespace ward::runtime {

struct SyncMessage;

// A child's ERROR message as an Error: its errno (so its kind) and its text.
[[nodiscard]] Error child_failure(const SyncMessage& message);

// What the parent does for each request a child may send.  A request with
// no handler fails the handshake.
struct HandshakeSteps {
  int console_socket = -1;                     // a pty master is sent there ...
  UniqueFd* console_master = nullptr;          // ... or kept here
  std::function<Result<>(int fd)> seccomp_fd;  // a notify fd for the listener
  std::function<Result<>()> runtime_hooks;     // prestart and createRuntime
};

class SetupHandshake {
 public:
  // `who` names the child in errors: "container init", "exec: the process".
  SetupHandshake(int parent_sock, std::string who) : sock_(parent_sock), who_(std::move(who)) {}

  // Lets the child go on once the parent has placed it (cgroup, id maps).
  [[nodiscard]] Result<> go();
  // Serves the child's requests until it reports READY.
  [[nodiscard]] Result<> until_ready(const HandshakeSteps& steps);
  // Tells the child it is created, then waits until it closes its end: the
  // init once it has cleared PR_SET_PDEATHSIG (the parent exiting before
  // would kill it), an exec'd process right before its execve.
  [[nodiscard]] Result<> created();

 private:
  int sock_;
  std::string who_;
};

}  // namespace ward::runtime
