// start: let a created container's init exec the user's process.
#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_start(const GlobalOptions& global, const std::vector<std::string>& args) {
  return run_on_container(global, args, "start",
                          [](runtime::Runtime& runtime, const std::string& id) { return runtime.start(id); });
}

}  // namespace ward::cli
