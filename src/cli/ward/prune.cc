// ward image prune [-a] [-f] [--filter until=...|label=...]: removes
// dangling images (no tag), or with -a every image no container uses (the
// store refuses to remove those).  Asks first unless -f, as Docker does.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

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
    {{"help", "h"}, false, "show help"},
};

bool confirmed(bool all) {
  return confirm_prune(all ? "WARNING! This will remove all images without at least one container associated to them."
                           : "WARNING! This will remove all dangling images.");
}

}  // namespace

int cmd_image_prune(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kFlags, false);
  if (!parsed) return kReporter.fail("image prune", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward image prune [OPTIONS]\n\nRemove unused images.\n\nOptions:\n" + flags_help(kFlags)).c_str(),
        stdout);
    return 0;
  }
  if (!parsed->positional.empty()) return kReporter.fail("image prune", "accepts no arguments", kExitDockerUsage);
  auto filters = parse_prune_filters(*parsed);
  if (!filters) return kReporter.fail("image prune", filters.error(), kExitDockerUsage);
  bool all = parsed->flag("all");
  if (!parsed->flag("force") && !confirmed(all)) return 0;
  auto store = open_store(options);
  if (!store) return kReporter.fail("image prune", store.error());
  auto pruned = prune_images(*store, *filters, all, "image prune");
  if (!pruned.deleted.empty()) std::printf("Deleted Images:\n%s\n", pruned.deleted.c_str());
  std::printf("Total reclaimed space: %s\n", human_size(pruned.reclaimed).c_str());
  return pruned.status;
}

}  // namespace ward::cli::engine
