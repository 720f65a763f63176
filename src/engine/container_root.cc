// container_root.h: a container's "/" as an fd, running or not.
#include "engine/container_root.h"

#include <fcntl.h>
#include <sys/file.h>

#include <fmt/format.h>

#include "engine/container_files.h"
#include "engine/launch.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

// What the running container sees, its own mounts included.  The pid is
// checked after the open, so a pid reused meanwhile is not mistaken for it.
Result<UniqueFd> running_root(const ContainerRecord& container) {
  auto root = WARD_TRY(sys::open(fmt::format("/proc/{}/root", container.pid), O_PATH | O_DIRECTORY));
  if (!process_lives(container.pid, container.pid_start_time))
    return fail(ErrorKind::wrong_state, fmt::format("container {} stopped meanwhile; try again", container.name));
  return root;
}

Result<std::vector<std::string>> layer_names(Engine& engine, const ContainerRecord& container) {
  auto image = WARD_TRY(engine.store().image(WARD_TRY(image::Digest::parse(container.image_id))));
  std::vector<std::string> layers;
  for (const auto& layer : image.layers) layers.push_back(layer.chain_id.hex());
  return layers;
}

// A read-only overlay of the writable layer over the image's layers (as
// idmapped for the container): what its "/" holds without the runtime's
// mounts.  The upper directory is only read, so this is safe beside the
// running container's own overlay.
Result<UniqueFd> layers_view(Engine& engine, const ContainerRecord& container, const std::optional<HostIds>& ids) {
  auto layers = WARD_TRY(layer_names(engine, container));
  std::string upper = engine.layer_dir(container.id) + "/upper";
  if (layers.empty()) return sys::open(upper, O_PATH | O_DIRECTORY);
  std::string base = engine.store().root() + "/layers";
  UniqueFd userns, idmapped;
  if (ids) {
    userns = WARD_TRY(
        sys::user_namespace_with_maps(fmt::format("0 {} 65536\n", ids->uid), fmt::format("0 {} 65536\n", ids->gid)));
    idmapped = WARD_TRY(sys::open_idmapped_tree(base, userns.get(), false, false));
    base = fmt::format("/proc/self/fd/{}", idmapped.get());
  }
  std::vector<std::string> lowers = {upper};
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) lowers.push_back(base + "/" + *it);
  return context(sys::make_detached_overlay(lowers, "", ""), "the filesystem of container {}", container.name);
}

}  // namespace

Result<UniqueFd> lock_writable_layer(const std::string& layer_dir) {
  auto dir = WARD_TRY(sys::open(layer_dir, O_RDONLY | O_DIRECTORY));
  int r = 0;
  while ((r = ::flock(dir.get(), LOCK_EX)) < 0 && errno == EINTR) {
  }
  if (r < 0) return fail_errno(errno, "lock " + layer_dir);
  return dir;
}

Result<ContainerRoot> open_container_root(Engine& engine, const ContainerRecord& container, RootAccess access) {
  ContainerRoot result;
  result.ids = WARD_TRY(find_user_ids(engine.store().database(), container.id));
  if (access == RootAccess::layers_only) {
    result.root = WARD_TRY(layers_view(engine, container, result.ids));
    return result;
  }
  if (access == RootAccess::write) result.lock = WARD_TRY(lock_writable_layer(engine.layer_dir(container.id)));
  // Read again under the lock: a start that made its overlay first is
  // recorded by now, or at least has its bundle.
  auto current = WARD_TRY(engine.find(container.id));
  if (current.status == ContainerStatus::running) {
    result.running = true;
    result.lock.reset();
    result.root = WARD_TRY(running_root(current));
    return result;
  }
  if (access == RootAccess::read) {
    result.root = WARD_TRY(layers_view(engine, current, result.ids));
    return result;
  }
  if (sys::path_exists(engine.bundle_dir(current.id)))
    return fail(
        ErrorKind::wrong_state,
        fmt::format("container {} is being started (or its last run was not cleaned up); try again", current.name));
  auto layers = WARD_TRY(layer_names(engine, current));
  result.root =
      WARD_TRY(make_rootfs_mount(engine.store().root() + "/layers", layers, engine.layer_dir(current.id), result.ids));
  return result;
}

}  // namespace ward::engine
