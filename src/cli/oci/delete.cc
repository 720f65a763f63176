#include "cli/oci/commands.h"
#include "runtime/container.h"
#include "util/sys.h"

namespace ward::cli {

int cmd_delete(const GlobalOptions& global, const std::vector<std::string>& args) {
  auto parsed = parse_verb("delete", args, {{{"force", "f"}, false, "kill the container first if it is running"}}, 1,
                           1, "[command options] <container-id>");
  if (!parsed) return 1;
  runtime::Runtime runtime(global.root);
  const std::string& id = parsed->positional[0];
  // Deleting what does not exist succeeds with --force, as in runc.
  if (parsed->flag("force") && runtime::validate_container_id(id) && !sys::path_exists(runtime.store().dir(id)))
    return 0;
  if (auto r = runtime.remove(id, parsed->flag("force")); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
