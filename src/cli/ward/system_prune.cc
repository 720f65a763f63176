// ward system prune [-a] [-f] [--volumes] [--filter until=|label=]:
// Docker's clean-up of everything unused, in its order: stopped
// containers, then (with --volumes) volumes no container uses, then
// dangling images (with -a every image no container uses).  ward has no
// networks or build cache yet, so there are none to remove.
#include <algorithm>
#include <cstdio>

#include "cli/core/args.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"
#include "cli/ward/prune_steps.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"all", "a"}, false, "remove all unused images, not just dangling ones"},
    {{"filter"}, true, "filter values (until=<timestamp|duration>, label=<key>[=<value>], label!=...)"},
    {{"force", "f"}, false, "do not prompt for confirmation"},
    {{"volumes"}, false, "prune volumes"},
    {{"help", "h"}, false, "show help"},
};

std::string warning(bool all, bool volumes) {
  std::string text = "WARNING! This will remove:\n  - all stopped containers\n";
  if (volumes) text += "  - all volumes not used by at least one container\n";
  text += all ? "  - all images without at least one container associated to them\n" : "  - all dangling images\n";
  return text;
}

}  // namespace

int cmd_system_prune(const WardOptions& options, const std::vector<std::string>& args) {
  constexpr std::string_view verb = "system prune";
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail(verb, parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(("usage: ward system prune [OPTIONS]\n\nRemove unused data.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
               stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail(verb, "accepts no arguments", kExitDockerUsage);
  auto filters = parse_prune_filters(*parsed);
  if (!filters) return kReporter.fail(verb, filters.error(), kExitDockerUsage);
  bool all = parsed->flag("all"), volumes = parsed->flag("volumes");
  if (volumes && filters->until)
    return kReporter.fail(verb, "--filter until: not supported with --volumes (volumes take label filters only)",
                          kExitDockerUsage);
  if (!parsed->flag("force") && !confirm_prune(warning(all, volumes))) return 0;
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail(verb, engine.error());
  int status = 0;
  std::uint64_t reclaimed = 0;
  auto show = [&](const char* title, const PruneResult& pruned) {
    if (!pruned.deleted.empty()) std::printf("%s:\n%s\n", title, pruned.deleted.c_str());
    reclaimed += pruned.reclaimed;
    status = std::max(status, pruned.status);
  };
  show("Deleted Containers", prune_containers(*engine, *filters, verb));
  if (volumes) show("Deleted Volumes", prune_volumes(engine->store(), *filters, verb));
  show("Deleted Images", prune_images(engine->store(), *filters, all, verb));
  std::printf("Total reclaimed space: %s\n", human_size(reclaimed).c_str());
  return status;
}

}  // namespace ward::cli::engine
