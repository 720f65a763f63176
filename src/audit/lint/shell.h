// Just enough of the POSIX shell to find the commands a RUN script runs:
// words with quotes removed, split into simple commands on `&&`, `||`,
// `;`, `|`, `&`, newlines and parentheses.  Leading `VAR=value`
// assignments are dropped, so `DEBIAN_FRONTEND=noninteractive apt-get ...`
// is an apt-get command.  Not a shell: no expansion, no control flow.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ward::audit::lint {

struct ShellCommand {
  std::vector<std::string> words;  // words[0] is the program
  bool piped = false;              // its output goes into a `|`

  [[nodiscard]] std::string_view name() const;  // the program's basename, "" when none
  // Any word after the program equals `flag`.
  [[nodiscard]] bool has(std::string_view flag) const;
  // Any of the words after the program equals one of `flags`, or a short
  // option cluster ("-yq") holds one of the single-letter ones.
  [[nodiscard]] bool has_any(std::initializer_list<std::string_view> flags) const;
  // The words after the program that are not options.
  [[nodiscard]] std::vector<std::string> arguments() const;
};

struct ShellScript {
  std::vector<ShellCommand> commands;
  bool has_pipe = false;

  // The commands whose program is `name` (sudo and env prefixes skipped).
  [[nodiscard]] std::vector<const ShellCommand*> all(std::string_view name) const;
  [[nodiscard]] bool uses(std::string_view name) const { return !all(name).empty(); }
};

[[nodiscard]] ShellScript parse_shell(std::string_view script);

}  // namespace ward::audit::lint
