// Engine::prepare_launch: what every start of a container does before the
// runtime creates it.
#include "engine/launch.h"

#include <unistd.h>

#include <algorithm>

#include "engine/container_config.h"
#include "engine/container_files.h"
#include "engine/container_root.h"
#include "engine/engine.h"
#include "engine/userns.h"
#include "engine/volume_copy.h"
#include "engine/volumes.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::engine {

BundleDir::~BundleDir() {
  if (!path_.empty()) (void)sys::remove_all(path_);
}

bool process_lives(pid_t pid, std::uint64_t start_time) {
  if (pid <= 0) return false;
  auto started = sys::process_start_time(pid);
  char state = sys::process_state(pid);
  return started && *started == start_time && state != 'Z' && state != 'X';
}

runtime::RunOptions run_options(const PreparedLaunch& launch) {
  runtime::RunOptions options;
  options.create.id = launch.id;
  options.create.bundle = launch.bundle.path();
  options.create.config = &launch.config;
  options.create.rootfs_mount_fd = launch.rootfs.get();
  options.keep = true;
  return options;
}

Result<std::string> own_program() {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n < 0) return fail_errno(errno, "readlink /proc/self/exe");
  return std::string(self, static_cast<std::size_t>(n));
}

Result<PreparedLaunch> Engine::prepare_launch(const ContainerRecord& container) {
  const std::string& id = container.id;
  auto ids = WARD_TRY(find_user_ids(store_.database(), id));
  auto image = WARD_TRY(store_.image(WARD_TRY(image::Digest::parse(container.image_id))));
  std::vector<std::string> layers;
  for (const auto& layer : image.layers) layers.push_back(layer.chain_id.hex());
  log::timing("container and image read");

  // `ward cp` into a stopped container mounts the same writable layer:
  // one overlay at a time (container_root.h); held until the bundle exists.
  auto layer_lock = WARD_TRY(lock_writable_layer(layer_dir(id)));
  // Leftovers of a run whose ward was killed: the runtime's state, the bundle.
  WARD_TRY(forget_runtime_state(id));
  std::string bundle = bundle_dir(id);
  (void)sys::remove_all(bundle);
  PreparedLaunch launch{.id = id, .bundle = BundleDir(bundle)};
  launch.rootfs = WARD_TRY(make_rootfs_mount(store_.root() + "/layers", layers, layer_dir(id), ids));
  log::timing("overlay made");
  auto files = WARD_TRY(write_bundle_files(bundle, container.spec, ids));
  auto user = WARD_TRY(resolve_container_user(launch.rootfs.get(), container.spec.user));
  for (gid_t gid : WARD_TRY(resolve_added_groups(launch.rootfs.get(), container.spec.group_add)))
    if (std::find(user.additional_gids.begin(), user.additional_gids.end(), gid) == user.additional_gids.end())
      user.additional_gids.push_back(gid);
  ConfigInputs inputs{id, user, ids, files.hostname, files.hosts, files.resolv_conf, store_.root(), {}};
  for (const auto& volume : container.spec.volume_mounts) {
    std::string source = volume_source(store_.root(), WARD_TRY(find_volume(store_.database(), volume.name)));
    inputs.volume_sources[volume.name] = source;
    if (!volume.nocopy) WARD_TRY(populate_volume(launch.rootfs.get(), volume.destination, source, ids));
  }
  auto config_json = WARD_TRY(build_oci_config(container.spec, inputs));
  std::string config_text = config_json.dump();
  WARD_TRY(sys::write_file_atomic(bundle + "/config.json", config_text, 0600));
  launch.config = WARD_TRY(oci::parse_config(config_text));
  log::timing("config built");
  return launch;
}

}  // namespace ward::engine
