// ward run [OPTIONS] IMAGE [COMMAND] [ARG...]: create a container from the
// image and run it in the foreground, as `docker run` without -d: its
// output on ward's, signals forwarded, its exit status ward's.  Exit
// status 125 for ward's own failures, 126 when the command cannot be
// run, 127 when it is not found (Docker's codes).  With -d it runs in the
// background under its own monitor and ward prints its id.
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/ward/commands.h"
#include "cli/ward/pull_steps.h"
#include "cli/ward/run_flags.h"
#include "cli/ward/run_status.h"
#include "engine/engine.h"

namespace ward::cli::engine {

int cmd_run(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, run_flag_specs(), true);
  if (!parsed) return kReporter.fail("run", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::vector<FlagSpec> shown = run_flag_specs();
    for (auto& spec : shown)
      if (!run_flag_supported(spec.names.front())) spec.help += " (not supported yet)";
    std::fputs(("usage: ward run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an "
                "image.\n\nOptions:\n" +
                flags_help(shown))
                   .c_str(),
               stdout);
    return 0;
  }
  auto command = parse_run_command(*parsed);
  if (!command) return kReporter.fail("run", command.error(), kExitDockerUsage);
  if (!command->detach && command->request.spec.open_stdin && command->request.spec.tty && !::isatty(STDIN_FILENO))
    return kReporter.fail("run", "the input device is not a TTY", kExitEngineError);
  for (const auto& warning : command->warnings) std::fprintf(stderr, "ward: run: warning: %s\n", warning.c_str());
  if (!command->cidfile.empty()) {
    if (auto checked = check_cidfile(command->cidfile); !checked)
      return kReporter.fail("run", checked.error(), kExitEngineError);
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("run", engine.error(), kExitEngineError);
  if (auto pulled = ensure_image(engine->store(), command->request.spec.image, command->pull_policy, command->quiet);
      !pulled)
    return kReporter.fail("run", pulled.error(), kExitEngineError);
  auto container = engine->create(std::move(command->request));
  if (!container) return kReporter.fail("run", container.error(), kExitEngineError);
  if (!command->cidfile.empty()) {
    if (auto written = write_cidfile(command->cidfile, container->id); !written) {
      (void)engine->remove(*container, true, true);
      return kReporter.fail("run", written.error(), kExitEngineError);
    }
  }
  if (command->detach) {
    auto started = engine->start_detached(*container);
    if (!started) {
      auto current = engine->find(container->id);
      if (current && current->status == ward::engine::ContainerStatus::created)
        (void)engine->remove(*current, true, true);
      return kReporter.fail("run", started.error(), start_failure_status(started.error()));
    }
    std::printf("%s\n", container->id.c_str());
    return 0;
  }
  auto status = engine->run_attached(*container);
  if (!status) {
    int code = start_failure_status(status.error());
    // A container that never ran (its user, its command or its mounts
    // failed) goes with the failed run: nothing half-made is kept.
    auto current = engine->find(container->id);
    if (current && (current->status == ward::engine::ContainerStatus::created || container->spec.auto_remove))
      (void)engine->remove(*current, true, true);
    return kReporter.fail("run", status.error(), code);
  }
  return *status;
}

}  // namespace ward::cli::engine
