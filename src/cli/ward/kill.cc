// ward kill [-s SIGNAL] CONTAINER...: a signal to each running container's
// init (default SIGKILL).  As in Docker, a killed container counts as
// stopped by the user: its restart policy does not bring it back.
#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "oci/signals.h"

namespace ward::cli::engine {

int cmd_kill(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"signal", "s"}, true, "signal to send: a name (KILL, SIGHUP) or a number (default KILL)"},
  };
  auto parsed = parse_container_verb("kill", "[OPTIONS] CONTAINER [CONTAINER...]",
                                     "Kill one or more running containers.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  std::string name = parsed->value("signal", "KILL");
  auto signal = oci::parse_signal(name);
  if (!signal) return kReporter.fail("kill", fmt::format("--signal {}: invalid signal", name), kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("kill", engine.error());
  return for_each_container("kill", *engine, parsed->positional, true,
                            [&](const ward::engine::ContainerRecord& record) { return engine->kill(record, *signal); });
}

}  // namespace ward::cli::engine
