// ward start [-a [-i]] CONTAINER...: starts created or stopped containers
// in the background, each under its own monitor (as `ward run -d`); a
// running one is left as it is.  With -a, one container runs in the
// foreground as `ward run` does, and its exit status is ward's.
#include <algorithm>

#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "cli/ward/run_status.h"

namespace ward::cli::engine {

namespace {

// --all [--filter restart-policy=NAME]...: what a boot runs
// (contrib/ward-restart.service) to bring back the containers whose
// policy says so; /run/ward was emptied, so each is exited by then.
int start_all(const WardOptions& options, const ParsedArgs& parsed) {
  if (!parsed.positional.empty()) return kReporter.fail("start", "--all takes no container names", kExitDockerUsage);
  std::vector<std::string> policies;
  auto filters = parsed.all("filter");
  if (filters.empty() && parsed.has("filter")) filters.push_back(parsed.value("filter"));
  for (const auto& filter : filters) {
    if (!filter.starts_with("restart-policy="))
      return kReporter.fail("start", fmt::format("--filter {}: only restart-policy=NAME is supported", filter),
                            kExitDockerUsage);
    std::string name = filter.substr(filter.find('=') + 1);
    auto policy = ward::monitor::parse_restart_policy(name);
    if (!policy || name.find(':') != std::string::npos)
      return kReporter.fail("start", fmt::format("--filter {}: unknown restart policy", filter), kExitDockerUsage);
    policies.push_back(name);
  }
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("start", engine.error());
  auto containers = engine->list();
  if (!containers) return kReporter.fail("start", containers.error());
  std::vector<std::string> names;
  for (const auto& container : *containers) {
    if (container.status != ward::engine::ContainerStatus::created &&
        container.status != ward::engine::ContainerStatus::exited)
      continue;
    std::string policy(ward::monitor::restart_mode_name(container.spec.restart.mode));
    if (!policies.empty()) {
      if (std::find(policies.begin(), policies.end(), policy) == policies.end()) continue;
      // Docker's difference between the two: unless-stopped stays down
      // after a boot when the user had stopped it.
      if (container.spec.restart.mode == ward::monitor::RestartMode::unless_stopped && container.stop_requested)
        continue;
    }
    names.push_back(container.name);
  }
  return for_each_container("start", *engine, names, true, [&](const ward::engine::ContainerRecord& record) {
    return engine->start_detached(record);
  });
}

}  // namespace

int cmd_start(const WardOptions& options, const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> kFlags = {
      {{"attach", "a"}, false, "attach its output and forward signals; ward exits with its status"},
      {{"interactive", "i"}, false, "with -a: pass ward's stdin to a container made with -i"},
      {{"detach-keys"}, true, "key sequence to detach (a running container; default ctrl-p,ctrl-q)"},
      {{"checkpoint"}, true, "restore from a checkpoint (not supported)"},
      {{"checkpoint-dir"}, true, "checkpoint directory (not supported)"},
      {{"all"}, false, "every container that is not running (with --filter: those that match)"},
      {{"filter"}, true, "with --all: restart-policy=no|on-failure|always|unless-stopped"},
  };
  auto parsed = parse_container_verb("start", "[OPTIONS] CONTAINER [CONTAINER...]",
                                     "Start one or more stopped containers.", args, kFlags, 0);
  if (!parsed) return kExitDockerUsage;
  if (parsed->flag("all")) return start_all(options, *parsed);
  if (parsed->positional.empty() || parsed->has("filter"))
    return kReporter.fail("start", "requires at least 1 argument (or --all, which --filter narrows)", kExitDockerUsage);
  for (const char* refused : {"checkpoint", "checkpoint-dir"})
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
    return attach_running("start", *engine, *record, *parsed, parsed->flag("interactive"));
  // A stopped container runs in the foreground of this ward, which is its
  // monitor: there is nothing to detach from.
  if (parsed->has("detach-keys"))
    return kReporter.fail("start",
                          "--detach-keys: start -a of a stopped container runs it in the foreground; "
                          "start it, then ward attach --detach-keys",
                          kExitDockerUsage);
  record->spec.open_stdin = record->spec.open_stdin && parsed->flag("interactive");
  // start -a relays both output streams, whatever run -a chose (Docker's).
  record->spec.attach_stdout = record->spec.attach_stderr = true;
  auto status = engine->run_attached(*record);
  if (!status) return kReporter.fail("start", status.error(), start_failure_status(status.error()));
  return *status;
}

}  // namespace ward::cli::engine
