// The handshake between ward-oci (parent) and the container's init (child),
// over a SOCK_SEQPACKET socketpair: one message per packet, fds by SCM_RIGHTS.
//
//   parent (ward-oci create)                     child (container init)
//   ------------------------                     ----------------------
//   clone3(namespaces) ---------------------------> (blocks on recv)
//   write uid_map/gid_map, cgroup, state fds
//   GO ------------------------------------------->
//                                                  setresuid(0), rlimits, setsid
//                                                  mount propagation, rootfs bind
//                          <---------------------- RUN_RUNTIME_HOOKS   (only with prestart/createRuntime hooks)
//   run prestart + createRuntime hooks
//   HOOKS_DONE ----------------------------------->
//                                                  mounts, createContainer hooks,
//                                                  devices, pivot_root, console,
//                          <---------------------- CONSOLE + pty master fd (terminal only)
//                                                  sysctl, masked/readonly paths,
//                                                  hostname, look up args[0], cwd
//                                                  load a notify seccomp filter
//                          <---------------------- SECCOMP_FD + notify fd (SCMP_ACT_NOTIFY only)
//   send the state and the fd to listenerPath
//                          <---------------------- READY
//   write state.json, pid file
//   CREATED --------------------------------------> clear PDEATHSIG
//   exit (create) or start it (run)                open exec.fifo (blocks until `start`)
//
// A profile with SCMP_ACT_NOTIFY is loaded before READY, not before execve,
// because its fd must reach the listener while ward-oci still listens: the
// rest of the init (exec.fifo, uid switch, capset, execve) runs under it.
// `exec` follows the same handshake from GO on, without the hooks.
//
// Any step in the child may instead send ERROR {errno, message} and exit;
// the parent reports that message as its own, after context, and cleans up.
// The child is killed by PR_SET_PDEATHSIG if the parent dies before CREATED.
#pragma once

#include <cstdint>

namespace ward::runtime {

enum class SyncType : std::uint32_t {
  go = 1,
  init_pid,  // from the intermediate stage: the init's pid (error_code) and pidfd
  run_runtime_hooks,
  hooks_done,
  console,
  seccomp_fd,  // the notify fd of a filter with SCMP_ACT_NOTIFY
  ready,
  created,
  error,
};

struct SyncMessage {
  SyncType type;
  std::int32_t error_code;  // errno, for SyncType::error
  char text[3072];          // error message, NUL-terminated
};

namespace raw {
// Sends a message (and optionally one fd).  Returns 0 or -errno.  Async-signal-safe.
int sync_send(int sock, SyncType type, int error_code = 0, const char* text = nullptr, int fd = -1) noexcept;
// Receives one message; *fd gets a passed fd or -1.  Returns 0, -errno, or
// -EPIPE when the peer closed the socket.
int sync_recv(int sock, SyncMessage* message, int* fd) noexcept;
}  // namespace raw

const char* sync_type_name(SyncType type);

}  // namespace ward::runtime
