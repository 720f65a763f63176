// The container init's final steps, shared by `create`/`run` and `exec`:
// finding the program, rlimits, Landlock, and the exec itself.  Child-side
// only: async-signal-safe and allocation-free.
#pragma once

#include <cstddef>

#include "runtime/child/child_error.h"
#include "runtime/child/launch_plan.h"

namespace ward::runtime::raw {

// Finds argv[0] the way execvp would, inside the container (the init's
// root), into `out`.  A missing or non-executable program is an error here,
// so that `create` reports it.
int find_executable(const LaunchPlan& plan, char* out, std::size_t size, ChildError& err) noexcept;

// Sets process.rlimits on the calling process.
int apply_rlimits(const LaunchPlan& plan, ChildError& err) noexcept;

// Builds process.landlock's ruleset into *ruleset_fd.
int build_landlock(const LaunchPlan& plan, int* ruleset_fd, ChildError& err) noexcept;

// Drops to the process's user, capabilities, no_new_privs and seccomp, then
// execs `executable` from `cwd_fd`.  A failure is said on stderr (nobody
// reads the sync socket any more) and the process exits 127.
[[noreturn]] void exec_process(const LaunchPlan& plan, const char* executable, int cwd_fd, int landlock_fd) noexcept;

}  // namespace ward::runtime::raw
