// Running a host program from the parent (never from the container's
// child): apparmor_parser, newuidmap/newgidmap, ps.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace ward::sys {

struct CommandOutcome {
  int status = 0;      // the exit code, or 128 + the signal that killed it
  std::string output;  // what it wrote to the captured streams (at most 1 MiB)
};

enum class Capture { stdout_and_stderr, stdout_only, stderr_only };

// Runs argv (no shell; argv[0] looked up in PATH unless it holds a '/'),
// its stdin from `stdin_fd` (or /dev/null when -1), the streams `capture`
// names collected, the others left as ward-oci's own (stdout_only) or sent
// to /dev/null (stderr_only).  Fails only when it cannot run or be waited
// for; a non-zero exit is the caller's to judge.
Result<CommandOutcome> run_captured(const std::vector<std::string>& argv, Capture capture = Capture::stdout_and_stderr,
                                    int stdin_fd = -1);

}  // namespace ward::sys
