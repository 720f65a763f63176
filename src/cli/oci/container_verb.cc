// What the verbs that take only a container id share.
#include "cli/oci/commands.h"
#include "runtime/container.h"

namespace ward::cli {

int run_on_container(const GlobalOptions& global, const std::vector<std::string>& args, std::string_view verb,
                     Result<> (*action)(runtime::Runtime& runtime, const std::string& id)) {
  auto parsed = parse_verb(verb, args, {}, 1, 1, "<container-id>");
  if (!parsed) return kExitFailure;
  runtime::Runtime runtime(global.root);
  if (auto r = action(runtime, parsed->positional[0]); !r) return report_error(r.error());
  return 0;
}

}  // namespace ward::cli
