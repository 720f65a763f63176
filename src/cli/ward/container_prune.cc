// ward container prune [-f] [--filter until=...|label=...]: removes every
// container that is not running (created and exited ones), as Docker's;
// asks first unless -f.
#include <cstdio>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"
#include "cli/ward/prune_steps.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"filter"}, true, "filter values (until=<timestamp|duration>, label=<key>[=<value>], label!=...)"},
    {{"force", "f"}, false, "do not prompt for confirmation"},
    {{"help", "h"}, false, "show help"},
};

}  // namespace

int cmd_container_prune(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("container prune", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward container prune [OPTIONS]\n\nRemove all stopped containers.\n\nOptions:\n" + flags_help(kFlags))
            .c_str(),
        stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail("container prune", "accepts no arguments", kExitDockerUsage);
  auto filters = parse_prune_filters(*parsed);
  if (!filters) return kReporter.fail("container prune", filters.error(), kExitDockerUsage);
  if (!parsed->flag("force") && !confirm_prune("WARNING! This will remove all stopped containers.")) return 0;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("container prune", engine.error());
  auto pruned = prune_containers(*engine, *filters, "container prune");
  if (!pruned.deleted.empty()) std::printf("Deleted Containers:\n%s\n", pruned.deleted.c_str());
  std::printf("Total reclaimed space: %s\n", human_size(pruned.reclaimed).c_str());
  return pruned.status;
}

}  // namespace ward::cli::engine
