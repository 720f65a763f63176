// The `ward` front end: one function per verb, each in its own file,
// returning the exit status.  Usage errors exit 2, failures 1.
#pragma once

#include <string>
#include <vector>

#include "cli/core/front_end.h"

namespace ward::cli::engine {

inline constexpr int kExitUsage = 2;

// What ward's global flags set, handed to every verb (none yet: --root and
// the store come with the image store).
struct WardOptions {};

// ward's errors: "ward: VERB: WHAT: WHY", one line on stderr.
inline const Reporter kReporter{"ward"};

int cmd_apparmor(const WardOptions& options, const std::vector<std::string>& args);
int cmd_lint(const WardOptions& options, const std::vector<std::string>& args);

}  // namespace ward::cli::engine
