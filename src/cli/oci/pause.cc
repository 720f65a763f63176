#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_pause(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("pause", args, {}, 1, 1, "<container-id>");
  if (!parsed) return 1;
  runtime::Runtime runtime(global.root);
  if (auto r = runtime.pause(parsed->positional[0]); !r) return report_error(r.error());
  return 0;
}

int cmd_resume(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("resume", args, {}, 1, 1, "<container-id>");
  if (!parsed) return 1;
  runtime::Runtime runtime(global.root);
  if (auto r = runtime.resume(parsed->positional[0]); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
