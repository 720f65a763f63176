// The container's init: the cloned child that sets up the container from a
// LaunchPlan and finally execs the user's process.  See sync.h for the
// handshake.  Everything here is async-signal-safe and allocation-free.
#pragma once

#include "runtime/child/launch_plan.h"

namespace ward::runtime {

// Runs in the cloned child; never returns.
[[noreturn]] void container_init(const LaunchPlan& plan, int sync_fd) noexcept;

// Runs in the intermediate child used when namespaces are joined by path or
// a time namespace needs offsets: joins, then clones the init (CLONE_PARENT)
// and reports its pid.  Never returns.
[[noreturn]] void container_stage(const LaunchPlan& plan, int sync_fd) noexcept;

}  // namespace ward::runtime
