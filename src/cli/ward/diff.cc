// ward diff CONTAINER: the files and directories a container changed (C),
// added (A) or deleted (D) in its image's filesystem, as Docker lists them.
#include <cstdio>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

int cmd_diff(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("diff", "CONTAINER",
                                     "Inspect changes to files or directories on a container's filesystem.", args, {});
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 1)
    return kReporter.fail("diff", "requires exactly 1 argument; usage: ward diff CONTAINER", kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("diff", engine.error());
  auto changes = [&]() -> Result<std::vector<ward::engine::Change>> {
    return engine->changes(WARD_TRY(engine->find(parsed->positional[0])));
  }();
  if (!changes) return kReporter.fail("diff", changes.error());
  for (const auto& change : *changes) std::printf("%c %s\n", static_cast<char>(change.kind), change.path.c_str());
  return 0;
}

}  // namespace ward::cli::engine
