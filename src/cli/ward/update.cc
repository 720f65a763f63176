// ward update [OPTIONS] CONTAINER...: Docker's update, new limits and a
// new restart policy for containers; a running one gets them at once.
#include <cstdio>

#include "cli/ward/commands.h"
#include "cli/ward/run_flags_internal.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"blkio-weight"}, true, "block IO (relative weight), between 10 and 1000, or 0 to disable"},
    {{"cpu-period"}, true, "limit CPU CFS (Completely Fair Scheduler) period"},
    {{"cpu-quota"}, true, "limit CPU CFS (Completely Fair Scheduler) quota"},
    {{"cpu-rt-period"}, true, "limit the CPU real-time period in microseconds (not supported yet)"},
    {{"cpu-rt-runtime"}, true, "limit the CPU real-time runtime in microseconds (not supported yet)"},
    {{"cpu-shares", "c"}, true, "CPU shares (relative weight)"},
    {{"cpus"}, true, "number of CPUs"},
    {{"cpuset-cpus"}, true, "CPUs in which to allow execution (0-3, 0,1)"},
    {{"cpuset-mems"}, true, "MEMs in which to allow execution (0-3, 0,1)"},
    {{"kernel-memory"}, true, "kernel memory limit (not supported: deprecated)"},
    {{"memory", "m"}, true, "memory limit"},
    {{"memory-reservation"}, true, "memory soft limit"},
    {{"memory-swap"}, true, "swap limit equal to memory plus swap: -1 to enable unlimited swap"},
    {{"pids-limit"}, true, "tune container pids limit (-1 for unlimited)"},
    {{"restart"}, true, "restart policy to apply when a container exits"},
};

}  // namespace

int cmd_update(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_container_verb("update", "[OPTIONS] CONTAINER [CONTAINER...]",
                                     "Update configuration of one or more containers.", args, kFlags);
  if (!parsed) return kExitDockerUsage;
  if (parsed->values.empty())
    return kReporter.fail("update", "You must provide one or more flags when using this command.", kExitDockerUsage);
  // The flags are checked before any container changes.
  std::vector<std::string> warnings;
  ward::engine::ContainerSpec probe;
  if (auto checked = apply_update_flags(*parsed, probe, warnings); !checked)
    return kReporter.fail("update", checked.error(), kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("update", engine.error());
  return for_each_container("update", *engine, parsed->positional, true,
                            [&](const ward::engine::ContainerRecord& record) -> Result<> {
                              ward::engine::ContainerSpec updated = record.spec;
                              std::vector<std::string> notes;
                              WARD_TRY(apply_update_flags(*parsed, updated, notes));
                              for (const auto& note : notes)
                                std::fprintf(stderr, "ward: update: warning: %s\n", note.c_str());
                              return engine->update(record, updated);
                            });
}

}  // namespace ward::cli::engine
