// Running OCI hooks: the state JSON on stdin, an optional timeout, and the
// exit status checked.  Allocation-free so that the container's init can run
// createContainer and startContainer hooks itself.
#pragma once

#include <string>
#include <vector>

#include "runtime/child_error.h"
#include "runtime/launch_plan.h"
#include "util/error.h"

namespace ward::runtime {

namespace raw {
// Runs one hook with `state_fd` (rewound first) as its stdin.  0 or -errno;
// `err` says which hook failed and how.
int run_hook(const HookPlan& hook, int state_fd, ChildError& err) noexcept;
}  // namespace raw

// Parent-side: runs every hook in order with `state_json` on stdin; stops at
// the first failure.
[[nodiscard]] Result<> run_hooks(const std::vector<oci::Hook>& hooks, const std::string& state_json,
                                 std::string_view kind);
// For poststart and poststop, whose failures the runtime-spec makes
// warnings: runs every hook even after one fails and logs each failure.
void run_hooks_warning_only(const std::vector<oci::Hook>& hooks, const std::string& state_json,
                            std::string_view kind);
// A memfd holding `text`, for hook stdin.
[[nodiscard]] Result<UniqueFd> make_memfd(const char* name, std::string_view text);

}  // namespace ward::runtime
