// ward pause / unpause CONTAINER...: freeze and thaw every process of
// running containers (their cgroup's freezer), as Docker's.
#include "cli/ward/commands.h"

namespace ward::cli::engine {

namespace {

int pause_or_unpause(const WardOptions& options, const std::vector<std::string>& args, bool pause) {
  std::string_view verb = pause ? "pause" : "unpause";
  auto parsed = parse_container_verb(verb, "CONTAINER [CONTAINER...]",
                                     pause ? "Pause all processes within one or more containers."
                                           : "Unpause all processes within one or more containers.",
                                     args, {});
  if (!parsed) return kExitDockerUsage;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail(verb, engine.error());
  return for_each_container(verb, *engine, parsed->positional, true, [&](const ward::engine::ContainerRecord& record) {
    return pause ? engine->pause(record) : engine->unpause(record);
  });
}

}  // namespace

int cmd_pause(const WardOptions& options, const std::vector<std::string>& args) {
  return pause_or_unpause(options, args, true);
}

int cmd_unpause(const WardOptions& options, const std::vector<std::string>& args) {
  return pause_or_unpause(options, args, false);
}

}  // namespace ward::cli::engine
