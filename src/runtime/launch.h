// Internal to src/runtime: launching a container's init and starting it,
// shared by create, run and start.
#pragma once

#include "runtime/container.h"
#include "util/fd.h"

namespace ward::runtime {

struct LaunchedContainer {
  ContainerState state;
  UniqueFd lock;            // flock on the state directory
  UniqueFd pidfd;           // the init
  UniqueFd console_master;  // foreground run with a terminal and no --console-socket
};

struct ClonedInit {
  pid_t pid = 0;
  UniqueFd pidfd;
};
struct LaunchPlan;
// Clones the init directly, or through the intermediate stage when
// namespaces must be joined first or a time namespace needs offsets.
[[nodiscard]] Result<ClonedInit> clone_init(const LaunchPlan& plan, int parent_sock, int child_sock);

// Sends a terminal's pty master to a --console-socket, as runc does.
[[nodiscard]] Result<> send_console(int sock, int master);

// Forwards signals and relays the terminal (console_master) until the
// process `launched.state.pid` exits; returns its wait status.
[[nodiscard]] Result<int> supervise(LaunchedContainer& launched);
// A wait status as a shell reports it: the exit code, or 128+N.
[[nodiscard]] int exit_code(int status);

// Creates the container up to "created".  With `foreground`, a terminal is
// allowed without a console socket (its master is returned for relaying).
[[nodiscard]] Result<LaunchedContainer> launch_container(const StateStore& store, const CreateOptions& options,
                                                         bool foreground);
// Lets a "created" container's init exec the user process, then runs the
// poststart hooks.
[[nodiscard]] Result<> start_created(const StateStore& store, const ContainerState& state, int pidfd);

}  // namespace ward::runtime
