// ward create [OPTIONS] IMAGE [COMMAND] [ARG...]: a container made as `ward
// run` makes it (the same flags, but no -d), not started; ward prints its
// id.  `ward start` runs it.
#include <cstdio>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "cli/ward/pull_steps.h"
#include "cli/ward/run_flags.h"
#include "cli/ward/run_status.h"

namespace ward::cli::engine {

int cmd_create(const WardOptions& options, const std::vector<std::string>& args) {
  std::vector<FlagSpec> flags;
  for (const auto& spec : run_flag_specs())
    if (spec.names.front() != "detach") flags.push_back(spec);
  auto parsed = parse_docker_args(args, flags, true);
  if (!parsed) return kReporter.fail("create", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    for (auto& spec : flags)
      if (!run_flag_supported(spec.names.front())) spec.help += " (not supported yet)";
    std::fputs(("usage: ward create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate a new container.\n\nOptions:\n" +
                flags_help(flags))
                   .c_str(),
               stdout);
    return 0;
  }
  auto command = parse_run_command(*parsed);
  if (!command) return kReporter.fail("create", command.error(), kExitDockerUsage);
  for (const auto& warning : command->warnings) std::fprintf(stderr, "ward: create: warning: %s\n", warning.c_str());
  if (!command->cidfile.empty()) {
    if (auto checked = check_cidfile(command->cidfile); !checked)
      return kReporter.fail("create", checked.error(), kExitEngineError);
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("create", engine.error(), kExitEngineError);
  if (auto pulled = ensure_image(engine->store(), command->request.spec.image, command->pull_policy, command->quiet);
      !pulled)
    return kReporter.fail("create", pulled.error(), kExitEngineError);
  auto container = engine->create(std::move(command->request));
  if (!container) return kReporter.fail("create", container.error(), kExitEngineError);
  if (!command->cidfile.empty()) {
    if (auto written = write_cidfile(command->cidfile, container->id); !written) {
      (void)engine->remove(*container, true, true);
      return kReporter.fail("create", written.error(), kExitEngineError);
    }
  }
  std::printf("%s\n", container->id.c_str());
  return 0;
}

}  // namespace ward::cli::engine
