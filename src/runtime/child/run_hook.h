// Running one OCI hook: the state JSON on stdin, an optional timeout, and
// the exit status checked.  Allocation-free, so that the container's init
// runs createContainer and startContainer hooks itself; the parent runs the
// other kinds through runtime/hooks.h, which calls the same function.
#pragma once

#include "runtime/child/child_error.h"
#include "runtime/child/launch_plan.h"

namespace ward::runtime::raw {

// Runs one hook with `state_fd` (rewound first) as its stdin.  0 or -errno;
// `err` says which hook failed and how.
int run_hook(const HookPlan& hook, int state_fd, ChildError& err) noexcept;

}  // namespace ward::runtime::raw
