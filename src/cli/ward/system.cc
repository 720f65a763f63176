// ward system SUBCOMMAND: df.  `system df` prints Docker's four rows.
// Images' SIZE is what the store holds on disk: each unpacked layer once,
// plus the blobs; an image a container uses is active and not
// reclaimable.  Containers' SIZE is their writable layers; a running
// one's is not reclaimable.  Local volumes: the files under their _data;
// one a container mounts is active and not reclaimable.  Build cache:
// ward has none.
#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "cli/core/args.h"
#include "cli/core/format_template.h"
#include "cli/core/human_units.h"
#include "cli/ward/commands.h"
#include "engine/volumes.h"

namespace ward::cli::engine {

namespace {

const std::vector<FlagSpec> kDfFlags = {
    {{"format"}, true, "Go template, 'table TEMPLATE' or 'json'"},
    {{"verbose", "v"}, false, "per-image usage: not supported yet"},
    {{"help", "h"}, false, "show help"},
};

const HeaderLabels kLabels = {
    {"Type", "TYPE"}, {"TotalCount", "TOTAL"}, {"Active", "ACTIVE"}, {"Size", "SIZE"}, {"Reclaimable", "RECLAIMABLE"}};

std::string reclaimable(std::int64_t bytes, std::int64_t total) {
  std::string text = human_size(static_cast<std::uint64_t>(bytes));
  if (total > 0) text += fmt::format(" ({}%)", bytes * 100 / total);
  return text;
}

nlohmann::json row(std::string type, std::int64_t count, std::int64_t active, std::int64_t size, std::int64_t free) {
  return {{"Type", std::move(type)},
          {"TotalCount", std::to_string(count)},
          {"Active", std::to_string(active)},
          {"Size", human_size(static_cast<std::uint64_t>(size))},
          {"Reclaimable", reclaimable(free, size)}};
}

// The containers' row and the images they use: a running container's
// writable layer is not reclaimable, an image any container uses is not.
struct ContainerTotals {
  std::int64_t count = 0, running = 0, size = 0, reclaimable = 0;
  std::set<std::string> images;
};

Result<ContainerTotals> container_totals(ward::engine::Engine& engine) {
  ContainerTotals totals;
  for (const auto& record : WARD_TRY(engine.list())) {
    auto size = static_cast<std::int64_t>(WARD_TRY(engine.writable_size(record)));
    ++totals.count;
    totals.size += size;
    totals.images.insert(record.image_id);
    if (record.status == ward::engine::ContainerStatus::running)
      ++totals.running;
    else
      totals.reclaimable += size;
  }
  return totals;
}

struct VolumeTotals {
  std::int64_t count = 0, active = 0, size = 0, reclaimable = 0;
};

Result<VolumeTotals> volume_totals(image::Store& store) {
  VolumeTotals totals;
  for (const auto& volume : WARD_TRY(ward::engine::list_volumes(store.database()))) {
    auto size = static_cast<std::int64_t>(WARD_TRY(ward::engine::volume_size(store.root(), volume.name)));
    bool used = !WARD_TRY(ward::engine::volume_users(store.database(), volume.name)).empty();
    ++totals.count;
    totals.size += size;
    if (used)
      ++totals.active;
    else
      totals.reclaimable += size;
  }
  return totals;
}

int cmd_system_df(const WardOptions& options, const std::vector<std::string>& args) {
  auto parsed = parse_docker_args(args, kDfFlags, false);
  if (!parsed) return kReporter.fail("system df", parsed.error(), kExitDockerUsage);
  if (parsed->flag("help")) {
    std::fputs(
        ("usage: ward system df [OPTIONS]\n\nShow ward disk usage.\n\nOptions:\n" + flags_help(kDfFlags)).c_str(),
        stdout);
    return 0;
  }
  if (parsed->flag("verbose"))
    return kReporter.fail("system df", "--verbose: not supported yet (per-image shared and unique sizes)",
                          kExitDockerUsage);
  if (!parsed->positional.empty()) return kReporter.fail("system df", "accepts no arguments", kExitDockerUsage);
  auto engine = open_engine(options);
  if (!engine) return kReporter.fail("system df", engine.error());
  auto usage = engine->store().disk_usage();
  if (!usage) return kReporter.fail("system df", usage.error());
  auto containers = container_totals(*engine);
  if (!containers) return kReporter.fail("system df", containers.error());
  auto images = engine->store().list_images();
  if (!images) return kReporter.fail("system df", images.error());
  auto volumes = volume_totals(engine->store());
  if (!volumes) return kReporter.fail("system df", volumes.error());
  std::int64_t images_size = usage->layers_size + usage->blobs_size, used_size = 0;
  for (const auto& image : *images)
    if (containers->images.contains(image.id.string())) used_size += image.size;
  auto active_images = static_cast<std::int64_t>(containers->images.size());
  std::vector<nlohmann::json> rows = {
      row("Images", usage->images, active_images, images_size, std::max<std::int64_t>(0, images_size - used_size)),
      row("Containers", containers->count, containers->running, containers->size, containers->reclaimable),
      row("Local Volumes", volumes->count, volumes->active, volumes->size, volumes->reclaimable),
      row("Build Cache", 0, 0, 0, 0)};
  std::string format = parsed->has("format") ? unescape_format_flag(parsed->value("format")) : "";
  if (format == "json") format = "{{json .}}";
  if (format.empty()) format = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
  auto text = render_format(format, kLabels, rows);
  if (!text) return kReporter.fail("system df", text.error(), kExitDockerUsage);
  std::fputs(text->c_str(), stdout);
  return 0;
}

constexpr Verb<WardOptions> kSystemVerbs[] = {
    {"df", "show disk usage", cmd_system_df},
    {"events", "show what happens, as it happens", cmd_events},
    {"prune", "remove stopped containers, dangling images (-a: unused ones) and with --volumes unused volumes",
     cmd_system_prune},
    {"info", "show system-wide information", cmd_info},
};

}  // namespace

int cmd_system(const WardOptions& options, const std::vector<std::string>& args) {
  return run_subcommand({"system", "Manage ward.", kSystemVerbs, {}}, options, args);
}

}  // namespace ward::cli::engine
