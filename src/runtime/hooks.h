// Running OCI hooks from the runtime (prestart, createRuntime, poststart,
// poststop): each through raw::run_hook (runtime/child/run_hook.h), the one
// place that runs a hook.
#pragma once

#include <string>
#include <vector>

#include "oci/config.h"
#include "util/fd.h"
#include "util/error.h"

namespace ward::runtime {

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
