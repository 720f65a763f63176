#include "engine/container_volumes.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/container_rows.h"
#include "engine/volumes.h"
#include "util/log.h"

namespace ward::engine {

namespace {

std::set<std::string> taken_destinations(const ContainerSpec& spec) {
  std::set<std::string> taken;
  for (const auto& text : spec.binds)
    if (!names_volume(text))
      if (auto bind = parse_bind(text)) taken.insert(bind->destination);
  for (const auto& [destination, options] : spec.tmpfs) taken.insert(destination);
  for (const auto& volume : spec.volume_mounts) taken.insert(volume.destination);
  return taken;
}

Result<> add_volumes_from(db::Database& database, ContainerSpec& spec, const std::string& text) {
  auto from = WARD_TRY(parse_volumes_from(text));
  auto source = WARD_TRY(context(find_container(database, from.container), "--volumes-from {}", text));
  auto taken = taken_destinations(spec);
  for (auto volume : source.spec.volume_mounts) {
    if (taken.contains(volume.destination)) continue;
    if (!from.mode.empty()) volume.read_only = from.mode == "ro";
    // The volume is the other container's, already made: never copied up again.
    spec.volume_mounts.push_back(volume);
  }
  for (const auto& bind_text : source.spec.binds) {
    if (names_volume(bind_text)) continue;
    auto bind = WARD_TRY(parse_bind(bind_text));
    if (taken.contains(bind.destination)) continue;
    bool read_only = from.mode.empty() ? bind.read_only : from.mode == "ro";
    spec.binds.push_back(bind.source + ":" + bind.destination + (read_only ? ":ro" : ""));
  }
  return {};
}

}  // namespace

Result<> complete_volume_mounts(db::Database& database, ContainerSpec& spec,
                                const std::set<std::string>& image_volumes) {
  std::set<std::string> binds_and_tmpfs;
  for (const auto& text : spec.binds)
    if (!names_volume(text))
      if (auto bind = parse_bind(text)) binds_and_tmpfs.insert(bind->destination);
  for (const auto& [destination, options] : spec.tmpfs) binds_and_tmpfs.insert(destination);
  for (const auto& volume : spec.volume_mounts)
    if (binds_and_tmpfs.contains(volume.destination))
      return fail(ErrorKind::invalid_input, fmt::format("Duplicate mount point: {}", volume.destination));
  for (const auto& text : spec.volumes_from) WARD_TRY(add_volumes_from(database, spec, text));
  add_image_volumes(spec.volume_mounts, image_volumes, taken_destinations(spec));
  return {};
}

void remove_unused_volumes(db::Database& database, const std::string& store_root,
                           const std::vector<std::string>& names) {
  for (const auto& name : names) {
    auto removed = remove_volume(database, store_root, name);
    // Another container mounts it (--volumes-from): it stays, as Docker's does.
    if (!removed && !removed.error().is(ErrorKind::in_use) && !removed.error().is(ErrorKind::not_found))
      log::warning(fmt::format("remove volume {}: {}", name, removed.error().what()));
  }
}

}  // namespace ward::engine
