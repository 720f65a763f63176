// Idmapped bind mounts.  The kernel idmaps only a detached mount, and only
// for a caller privileged over the source's filesystem (for a host
// filesystem: the initial user namespace), which the container's init,
// inside its own user namespace, is not.  So ward-oci opens the copy
// (open_tree), attaches the idmapping of a user namespace that carries the
// wanted maps (mount_setattr), and the init only moves it into place.
//
// Direction, as in crun and runc: each {containerID, hostID, size} is a
// uid_map line of that user namespace, so a file owned by containerID on
// disk is seen through the mount as owned by hostID (and a file created
// through the mount by hostID is stored as containerID).
#include "runtime/plan/idmapped_mounts.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/plan/id_mappings.h"
#include "util/sys.h"

namespace ward::runtime {

bool wants_idmap(const oci::Mount& mount, const oci::MountOptions& options) {
  return options.idmap || !mount.uid_mappings.empty() || !mount.gid_mappings.empty();
}

Result<> check_idmapped_mount(const oci::Mount& mount, const oci::MountOptions& options, bool is_bind,
                              std::size_t index) {
  if (!wants_idmap(mount, options)) return {};
  // runtime-spec: "If specified, it MUST be specified along with" the other.
  if (mount.uid_mappings.empty() != mount.gid_mappings.empty()) {
    bool uids = mount.uid_mappings.empty();
    return fail(fmt::format("mounts[{}].{}: must be given along with mounts[{}].{}", index,
                            uids ? "uidMappings" : "gidMappings", index, uids ? "gidMappings" : "uidMappings"));
  }
  if (!is_bind) {
    std::string type = mount.type.empty() ? "\"\"" : "\"" + mount.type + "\"";
    if (options.idmap)
      return fail(fmt::format("mounts[{}].options: idmap applies to bind mounts only, not to type {}", index, type));
    return fail(fmt::format("mounts[{}].uidMappings: an idmapped mount must be a bind mount, not type {}", index,
                            type));
  }
  return {};
}

Result<> plan_idmapped_mount(const oci::Config& config, const oci::Mount& mount, const oci::MountOptions& options,
                             std::size_t index, MountStep& step, LaunchPlan& plan) {
  std::string field = fmt::format("mounts[{}]", index);
  // ward-oci opens the idmapped copy in its own mount namespace; in a
  // joined one the same source path may be another file.
  for (std::size_t i = 0; i < config.linux.namespaces.size(); ++i) {
    const auto& ns = config.linux.namespaces[i];
    if (ns.kind == oci::NamespaceKind::mount && !ns.path.empty())
      return fail(fmt::format("{}: idmapped mounts are not supported with a mount namespace joined by path "
                              "(linux.namespaces[{}].path)",
                              field, i));
  }
  // Attaching an idmapping takes CAP_SYS_ADMIN over the source's
  // filesystem, and the helper namespace's maps need CAP_SETUID/SETGID:
  // an unprivileged user has neither.  (Root in a rootless engine's user
  // namespace may still idmap what that namespace owns.)
  if (::geteuid() != 0)
    return fail(fmt::format("{}: idmapped mounts need ward-oci to run as root; uid {} may not attach an idmapping",
                            field, ::geteuid()));
  UniqueFd helper;
  int userns = -1;
  if (!mount.uid_mappings.empty()) {
    auto created = sys::user_namespace_with_maps(map_text(mount.uid_mappings), map_text(mount.gid_mappings));
    if (!created) return std::unexpected(created.error().wrap(field + ".uidMappings"));
    helper = std::move(*created);
    userns = helper.get();
  } else if (plan.joins_user_namespace) {
    auto join = std::find_if(plan.joins.begin(), plan.joins.end(),
                             [](const NamespaceJoin& j) { return j.type == CLONE_NEWUSER; });
    if (join != plan.joins.end()) userns = join->fd.get();
  } else if (plan.new_user_namespace) {
    // The container's namespace does not exist yet; one with the same
    // maps gives the same idmapping.
    auto created = sys::user_namespace_with_maps(map_text(config.linux.uid_mappings),
                                                 map_text(config.linux.gid_mappings));
    if (!created) return std::unexpected(created.error().wrap(field + ".options: idmap: linux.uidMappings"));
    helper = std::move(*created);
    userns = helper.get();
  }
  if (userns < 0)
    return fail(fmt::format("{}.options: idmap without {}.uidMappings and gidMappings takes the container's user "
                            "namespace, and linux.namespaces has none",
                            field, field));
  auto tree = sys::open_idmapped_tree(step.source, userns, step.recursive_bind, options.recursive_idmap);
  if (!tree) return std::unexpected(tree.error().wrap(field + ": idmapped mount"));
  step.idmapped_tree_fd = tree->get();
  plan.idmapped_trees.push_back(std::move(*tree));
  return {};
}

}  // namespace ward::runtime
