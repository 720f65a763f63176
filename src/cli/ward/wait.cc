// ward wait CONTAINER...: blocks until each container stops and prints its
// exit code, one line each (Docker's output).
#include <cstdio>

#include "cli/ward/commands.h"

namespace ward::cli::engine {

int cmd_wait(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("wait", "CONTAINER [CONTAINER...]",
                                     "Block until one or more containers stop, then print their exit codes.", args, {});
  if (!parsed) return kExitDockerUsage;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("wait", engine.error());
  return for_each_container("wait", *engine, parsed->positional, false,
                            [&](const ward::engine::ContainerRecord& record) -> Result<> {
                              int code = WARD_TRY(engine->wait(record));
                              std::printf("%d\n", code);
                              std::fflush(stdout);
                              return {};
                            });
}

}  // namespace ward::cli::engine
