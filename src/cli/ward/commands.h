// The `ward` front end: one function per verb, each returning the exit
// status.  Usage errors exit 2, failures 1.
#pragma once

#include <string>
#include <vector>

namespace ward::cli::engine {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Prints "ward: MESSAGE" on stderr and returns `status`.
int report(const std::string& message, int status);

int cmd_apparmor(const std::vector<std::string>& args);

}  // namespace ward::cli::engine
