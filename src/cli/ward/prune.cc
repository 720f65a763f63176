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
#include "cli/ward/prune_filters.h"
#include "image/reference.h"
#include "image/spec.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kFlags = {
    {{"all", "a"}, false, "remove all unused images, not just dangling ones"},
    {{"filter"}, true, "filter values (until=<timestamp|duration>, label=<key>[=<value>], label!=...)"},
    {{"force", "f"}, false, "do not prompt for confirmation"},
    {{"help", "h"}, false, "show help"},
};

Result<bool> selected(image::Store& store, const image::ImageRecord& record, const PruneFilters& filters, bool all) {
  if (!all && !record.repo_tags.empty()) return false;
  if (!created_before_until(filters, record.created)) return false;
  if (filters.labels.empty()) return true;
  auto config = WARD_TRY(image::parse_image_config(WARD_TRY(store.blobs().read_blob(record.config_digest))));
  return labels_match(filters, config.config.labels);
}

bool confirmed(bool all) {
  return confirm_prune(all ? "WARNING! This will remove all images without at least one container associated to them."
                           : "WARNING! This will remove all dangling images.");
}

std::int64_t stored_bytes(const image::DiskUsage& usage) {
  return usage.layers_size + usage.blobs_size;
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
  auto before = store->disk_usage();
  auto images = store->list_images();
  if (!before || !images) return kReporter.fail("image prune", before ? images.error() : before.error());
  std::string report;
  int status = 0;
  for (const auto& record : *images) {
    auto chosen = selected(*store, record, *filters, all);
    if (chosen && !*chosen) continue;
    auto removed = chosen ? store->remove_image(record.id) : Result<>(std::unexpected(chosen.error()));
    if (!removed) {
      // An image a container uses is skipped, as Docker's prune skips it.
      if (!removed.error().is(ErrorKind::in_use)) status = kReporter.fail("image prune", removed.error());
      continue;
    }
    for (const auto& tag : record.repo_tags) report += fmt::format("untagged: {}\n", image::familiar_name(tag));
    for (const auto& digest : record.repo_digests)
      report += fmt::format("untagged: {}\n", image::familiar_name(digest));
    report += fmt::format("deleted: {}\n", record.id.string());
  }
  auto after = store->disk_usage();
  if (!after) return kReporter.fail("image prune", after.error());
  if (!report.empty()) std::printf("Deleted Images:\n%s\n", report.c_str());
  std::int64_t reclaimed = std::max<std::int64_t>(0, stored_bytes(*before) - stored_bytes(*after));
  std::printf("Total reclaimed space: %s\n", human_size(static_cast<std::uint64_t>(reclaimed)).c_str());
  return status;
}

}  // namespace ward::cli::engine
