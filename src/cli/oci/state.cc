#include <cstdio>

#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_state(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("state", args, {}, 1, 1, "<container-id>");
  if (!parsed) return 1;
  runtime::Runtime runtime(global.root);
  auto state = runtime.state(parsed->positional[0]);
  if (!state) return report_error(state.error());
  std::fputs((*state + "\n").c_str(), stdout);
  return 0;
}

}  // namespace ward::cli
