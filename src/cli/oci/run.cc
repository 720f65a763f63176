#include "cli/oci/commands.h"
#include "cli/oci/create_flags.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_run(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto flags = create_flags();
  flags.push_back({{"detach", "d"}, false, "detach from the container's process"});
  flags.push_back({{"keep"}, false, "do not delete the container after it exits"});
  auto parsed = parse_verb("run", args, flags, 1, 1, "[command options] <container-id>");
  if (!parsed) return 1;
  auto create = create_options(global, *parsed);
  if (!create) return report_error(create.error());
  runtime::RunOptions options;
  options.create = std::move(*create);
  options.detach = parsed->flag("detach");
  options.keep = parsed->flag("keep");
  runtime::Runtime runtime(global.root);
  auto status = runtime.run(options);
  if (!status) return report_error(status.error());
  return *status;
}

}  // namespace ward::cli
