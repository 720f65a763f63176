// ward start [-a [-i]] CONTAINER...: starts created or stopped containers
// in the background, each under its own monitor (as `ward run -d`); a
// running one is left as it is.  With -a, one container runs in the
// foreground as `ward run` does, and its exit status is ward's.
#include "cli/ward/commands.h"
#include "cli/ward/run_status.h"

namespace ward::cli::engine {

int cmd_start(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"attach", "a"}, false, "attach its output and forward signals; ward exits with its status"},
      {{"interactive", "i"}, false, "with -a: pass ward's stdin to a container made with -i"},
      {{"detach-keys"}, true, "key sequence to detach (not supported yet)"},
      {{"checkpoint"}, true, "restore from a checkpoint (not supported)"},
      {{"checkpoint-dir"}, true, "checkpoint directory (not supported)"},
  };
  auto parsed = parse_container_verb("start", "[OPTIONS] CONTAINER [CONTAINER...]",
                                     "Start one or more stopped containers.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  for (const char* refused : {"detach-keys", "checkpoint", "checkpoint-dir"})
    if (parsed->has(refused))
      return kReporter.fail("start", fmt::format("--{}: not supported yet", refused), kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("start", engine.error());
  if (!parsed->flag("attach")) {
    return for_each_container("start", *engine, parsed->positional, true,
                              [&](const ward::engine::ContainerRecord& record) -> Result<> {
                                if (record.status == ward::engine::ContainerStatus::running) return {};
                                return engine->start_detached(record);
                              });
  }
  if (parsed->positional.size() != 1)
    return kReporter.fail("start", "you cannot start and attach multiple containers at once", kExitDockerUsage);
  auto record = engine->find(parsed->positional.front());
  if (!record) return kReporter.fail("start", record.error());
  if (record->status == ward::engine::ContainerStatus::running)
    return kReporter.fail("start", "attaching to a running container is not supported yet", kExitEngineError);
  record->spec.open_stdin = record->spec.open_stdin && parsed->flag("interactive");
  auto status = engine->run_attached(*record);
  if (!status) return kReporter.fail("start", status.error(), start_failure_status(status.error()));
  return *status;
}

}  // namespace ward::cli::engine
