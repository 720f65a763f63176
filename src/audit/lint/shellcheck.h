// Running ShellCheck on a script (internal to audit/lint).
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace ward::audit::lint {

struct ShellCheckComment {
  std::string code;   // "SC2086"
  std::string level;  // error, warning, info, style
  std::string message;
  int line = 1;  // in the script given
};

// `program` names an executable in PATH, or a path.
[[nodiscard]] bool program_available(const std::string& program);

// Runs `program -s SHELL -f json1 -` on `script`.
[[nodiscard]] Result<std::vector<ShellCheckComment>> run_shellcheck(const std::string& program,
                                                                    const std::string& shell,
                                                                    const std::string& script);

}  // namespace ward::audit::lint
