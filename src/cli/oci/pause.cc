// pause and resume: freeze and thaw the container's cgroup.
#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_pause(const GlobalOptions& global, const std::vector<std::string>& args) {
  return run_on_container(global, args, "pause",
                          [](runtime::Runtime& runtime, const std::string& id) { return runtime.pause(id); });
}

int cmd_resume(const GlobalOptions& global, const std::vector<std::string>& args) {
  return run_on_container(global, args, "resume",
                          [](runtime::Runtime& runtime, const std::string& id) { return runtime.resume(id); });
}

}  // namespace ward::cli
