#include "cli/ward/prune_steps.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/ward/commands.h"
#include "engine/volumes.h"
#include "image/reference.h"
#include "image/spec.h"

namespace ward::cli::engine {

namespace {

Result<bool> image_selected(image::Store& store, const image::ImageRecord& record, const PruneFilters& filters,
                            bool all) {
  if (!all && !record.repo_tags.empty()) return false;
  if (!created_before_until(filters, record.created)) return false;
  if (filters.labels.empty()) return true;
  auto config = WARD_TRY(image::parse_image_config(WARD_TRY(store.blobs().read_blob(record.config_digest))));
  return labels_match(filters, config.config.labels);
}

std::int64_t stored_bytes(const image::DiskUsage& usage) {
  return usage.layers_size + usage.blobs_size;
}

}  // namespace

PruneResult prune_containers(ward::engine::Engine& engine, const PruneFilters& filters, std::string_view verb) {
  PruneResult result;
  auto records = engine.list();
  if (!records) {
    result.status = kReporter.fail(verb, records.error());
    return result;
  }
  for (const auto& record : *records) {
    using ward::engine::ContainerStatus;
    if (record.status == ContainerStatus::running || record.status == ContainerStatus::restarting) continue;
    if (!created_before_until(filters, record.created) || !labels_match(filters, record.spec.labels)) continue;
    auto size = engine.writable_size(record);
    auto removed = engine.remove(record, false);
    if (!removed) {
      result.status = kReporter.fail(verb, removed.error());
      continue;
    }
    result.reclaimed += size.value_or(0);
    result.deleted += record.id + "\n";
  }
  return result;
}

PruneResult prune_images(image::Store& store, const PruneFilters& filters, bool all, std::string_view verb) {
  PruneResult result;
  auto before = store.disk_usage();
  auto images = store.list_images();
  if (!before || !images) {
    result.status = kReporter.fail(verb, before ? images.error() : before.error());
    return result;
  }
  for (const auto& record : *images) {
    auto chosen = image_selected(store, record, filters, all);
    if (chosen && !*chosen) continue;
    auto removed = chosen ? store.remove_image(record.id) : Result<>(std::unexpected(chosen.error()));
    if (!removed) {
      // An image a container uses is skipped, as Docker's prune skips it.
      if (!removed.error().is(ErrorKind::in_use)) result.status = kReporter.fail(verb, removed.error());
      continue;
    }
    for (const auto& tag : record.repo_tags) result.deleted += fmt::format("untagged: {}\n", image::familiar_name(tag));
    for (const auto& digest : record.repo_digests)
      result.deleted += fmt::format("untagged: {}\n", image::familiar_name(digest));
    result.deleted += fmt::format("deleted: {}\n", record.id.string());
  }
  auto after = store.disk_usage();
  if (!after) {
    result.status = kReporter.fail(verb, after.error());
    return result;
  }
  result.reclaimed =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, stored_bytes(*before) - stored_bytes(*after)));
  return result;
}

PruneResult prune_volumes(image::Store& store, const PruneFilters& filters, std::string_view verb) {
  PruneResult result;
  auto volumes = ward::engine::list_volumes(store.database());
  if (!volumes) {
    result.status = kReporter.fail(verb, volumes.error());
    return result;
  }
  for (const auto& volume : *volumes) {
    if (!labels_match(filters, volume.labels)) continue;
    auto users = ward::engine::volume_users(store.database(), volume.name);
    if (!users) {
      result.status = kReporter.fail(verb, users.error());
      continue;
    }
    if (!users->empty()) continue;
    auto size = ward::engine::volume_size(store.root(), volume.name);
    auto removed = ward::engine::remove_volume(store.database(), store.root(), volume.name);
    // A container that started to use it meanwhile keeps it.
    if (!removed && removed.error().is(ErrorKind::in_use)) continue;
    if (!removed) {
      result.status = kReporter.fail(verb, removed.error());
      continue;
    }
    result.reclaimed += size.value_or(0);
    result.deleted += volume.name + "\n";
  }
  return result;
}

}  // namespace ward::cli::engine
