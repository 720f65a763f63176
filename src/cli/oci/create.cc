#include "cli/oci/commands.h"
#include "cli/oci/create_flags.h"
#include "runtime/container.h"

namespace ward::cli {

int cmd_create(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("create", args, create_flags(), 1, 1, "[command options] <container-id>");
  if (!parsed) return 1;
  auto options = create_options(global, *parsed);
  if (!options) return report_error(options.error());
  runtime::Runtime runtime(global.root);
  if (auto r = runtime.create(*options); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
