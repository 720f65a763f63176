// ward rename CONTAINER NEW_NAME: a container's new name (Docker's rules
// for names; one in use is refused naming its holder).
#include "cli/ward/commands.h"

namespace ward::cli::engine {

int cmd_rename(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("rename", "CONTAINER NEW_NAME", "Rename a container.", args, {}, 2);
  if (!parsed) return kExitDockerUsage;
  if (parsed->positional.size() != 2)
    return kReporter.fail("rename", "requires exactly 2 arguments; usage: ward rename CONTAINER NEW_NAME",
                          kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("rename", engine.error());
  auto renamed = [&]() -> Result<> {
    auto record = WARD_TRY(engine->find(parsed->positional[0]));
    return engine->rename(record, parsed->positional[1]);
  }();
  if (!renamed) return kReporter.fail("rename", renamed.error());
  return 0;
}

}  // namespace ward::cli::engine
