// Command-line parsing, in the two styles ward's front ends speak:
//  - runc's (urfave/cli), for ward-oci: flags before positional arguments,
//    "-flag" or "--flag", values as "--flag value" or "--flag=value",
//    booleans as "--flag" or "--flag=true|false".
//  - Docker's (pflag), for ward: long names only with "--"; one dash takes
//    single-letter flags that combine ("-it", "-dp 80:80", "-p80:80",
//    "-e=X"); a flag given again adds a value ("-e A -e B").
// Both: "--" ends the flags; "-" alone is an argument (standard input).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace ward::cli {

struct FlagSpec {
  std::vector<std::string> names;  // without dashes: {"bundle", "b"}
  bool takes_value = false;
  std::string help;
};

struct ParsedArgs {
  std::map<std::string, std::string> values;  // by first name; booleans "true"/"false"
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> repeated;  // every value of a flag given more than once

  [[nodiscard]] std::vector<std::string> all(const std::string& name) const {
    auto it = repeated.find(name);
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
  }

  [[nodiscard]] bool has(const std::string& name) const { return values.contains(name); }
  [[nodiscard]] bool flag(const std::string& name) const {
    auto it = values.find(name);
    return it != values.end() && it->second == "true";
  }
  [[nodiscard]] std::string value(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// Parses `args` against `specs`.  With `stop_at_positional`, everything from
// the first positional argument on is positional (global flags before the
// verb, as runc).  Errors name the flag.
[[nodiscard]] Result<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                                            bool stop_at_positional);
// The same in Docker's style.  With `stop_at_positional`, as `docker run
// IMAGE COMMAND...`: the container's command keeps its own flags.
[[nodiscard]] Result<ParsedArgs> parse_docker_args(const std::vector<std::string>& args,
                                                   const std::vector<FlagSpec>& specs, bool stop_at_positional);

[[nodiscard]] std::string flags_help(const std::vector<FlagSpec>& specs);

}  // namespace ward::cli
