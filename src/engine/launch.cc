// Engine::prepare_launch: what every start of a container does before the
// runtime creates it.
#include "engine/launch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "engine/container_config.h"
#include "engine/container_files.h"
#include "engine/container_root.h"
#include "engine/engine.h"
#include "engine/secrets.h"
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

// --secret: each secret's data in the bundle (under the run directory, a
// tmpfs), owned by the uid and gid given as the container sees them, with
// the mode given; bound read-only at its target.
Result<std::map<std::string, std::string>> Engine::write_secret_files(const std::string& bundle,
                                                                      const ContainerSpec& spec,
                                                                      const std::optional<HostIds>& ids) {
  std::map<std::string, std::string> files;
  if (spec.secrets.empty()) return files;
  std::string dir = bundle + "/secrets";
  if (::mkdir(dir.c_str(), 0711) < 0 && errno != EEXIST) return fail_errno(errno, "mkdir " + dir);
  for (std::size_t i = 0; i < spec.secrets.size(); ++i) {
    const SecretMount& mount = spec.secrets[i];
    auto secret = WARD_TRY(context(find_secret(store_.database(), mount.name), "--secret {}", mount.name));
    std::string data = WARD_TRY(read_secret_data(store_.root(), secret));
    std::string path = fmt::format("{}/{}", dir, i);
    WARD_TRY(sys::write_file_atomic(path, data, 0600));
    uid_t uid = ids ? ids->uid + mount.uid : mount.uid;
    gid_t gid = ids ? ids->gid + mount.gid : mount.gid;
    if (::chown(path.c_str(), uid, gid) < 0 || ::chmod(path.c_str(), mount.mode) < 0)
      return fail_errno(errno, "give the secret file " + path + " its owner and mode");
    files[mount.target] = path;
  }
  return files;
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
  inputs.secret_files = WARD_TRY(write_secret_files(bundle, container.spec, ids));
  auto config_json = WARD_TRY(build_oci_config(container.spec, inputs));
  std::string config_text = config_json.dump();
  WARD_TRY(sys::write_file_atomic(bundle + "/config.json", config_text, 0600));
  launch.config = WARD_TRY(oci::parse_config(config_text));
  log::timing("config built");
  return launch;
}

}  // namespace ward::engine
