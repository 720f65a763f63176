// A container's files outside the database: its writable layer in the
// store, its rootfs (a detached overlay of the image's layers), and its
// bundle in the run directory (engine.h says where each lives).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/container_config.h"
#include "engine/container_spec.h"
#include "util/error.h"
#include "util/fd.h"
#include "util/passwd.h"

namespace ward::engine {

// <dir>/upper and <dir>/work, the overlay's writable layer; with a user
// namespace the upper directory (the container's "/") belongs to the
// container's root.
[[nodiscard]] Result<> make_layer_directories(const std::string& dir, const std::optional<HostIds>& ids);

// The image's layers (base first, named by their directory under
// `layers_root`) under <layer_dir>/upper as a detached overlay mount.
// With `ids`, the layers are seen through one idmapped mount of
// `layers_root` (host id 0 appears as ids->uid): nothing is copied or
// chowned, whatever the number of containers.
[[nodiscard]] Result<UniqueFd> make_rootfs_mount(const std::string& layers_root, const std::vector<std::string>& layers,
                                                 const std::string& layer_dir, const std::optional<HostIds>& ids);

struct BundleFiles {
  std::string hostname, hosts, resolv_conf;
};
// The bundle directory (mode 0711) with an empty `rootfs` mount point and
// the files bound at /etc/hostname, /etc/hosts and /etc/resolv.conf,
// owned by the container's root.
[[nodiscard]] Result<BundleFiles> write_bundle_files(const std::string& bundle, const ContainerSpec& spec,
                                                     const std::optional<HostIds>& ids);

// `user` (--user or the image's USER) resolved in the rootfs's
// /etc/passwd and /etc/group, read through `rootfs_fd` without leaving it.
[[nodiscard]] Result<ResolvedUser> resolve_container_user(int rootfs_fd, const std::string& user);
// --group-add: gids, and names looked up in the rootfs's /etc/group.
[[nodiscard]] Result<std::vector<gid_t>> resolve_added_groups(int rootfs_fd, const std::vector<std::string>& groups);

}  // namespace ward::engine
