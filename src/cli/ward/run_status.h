// The exit status of a verb that runs a container (run, start -a, create's
// failures), as Docker's: 125 for ward's own failures, 126 when the
// command cannot be run, 127 when it is not found, the container's
// status otherwise.
#pragma once

#include <cerrno>

#include "util/error.h"

namespace ward::cli::engine {

inline constexpr int kExitEngineError = 125;
inline constexpr int kExitCannotInvoke = 126;
inline constexpr int kExitNotFound = 127;

// The status for a failure to start the container's command.
[[nodiscard]] inline int start_failure_status(const Error& error) {
  if (error.code == ENOENT) return kExitNotFound;
  if (error.code == EACCES || error.code == ENOEXEC || error.code == EPERM) return kExitCannotInvoke;
  return kExitEngineError;
}

}  // namespace ward::cli::engine
