// The mounts and device nodes of a LaunchPlan, split from plan_builder.cc:
// every mount's source, destination and options resolved on the host side,
// before clone.
#include "runtime/plan/mounts.h"

#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>

#include "cgroups/hierarchy.h"
#include "oci/mount_options.h"
#include "runtime/plan/builder.h"
#include "runtime/plan/idmapped_mounts.h"
#include "runtime/plan/labels.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::runtime {

std::string join_path(const std::string& dir, const std::string& name) {
  if (name.starts_with('/')) return name;
  if (dir.ends_with('/')) return dir + name;
  return dir + "/" + name;
}

namespace {

// The container's own cgroup in hierarchy `h`, or (without one) ward-oci's.
std::string cgroup_bind_source(const cgroups::Hierarchy& h, const cgroups::Cgroup* cgroup,
                               const std::vector<cgroups::Membership>& own) {
  std::string source = cgroup ? cgroup->directory_for(h.mount_point) : "";
  if (source.empty()) {
    const auto* membership = cgroups::find_membership(own, h);
    source = membership ? cgroups::host_directory(h, membership->path) : "";
  }
  return source.empty() ? h.mount_point : source;
}

std::string clean_destination(const std::string& destination) {
  std::string out = destination.starts_with('/') ? destination : "/" + destination;
  while (out.size() > 1 && out.ends_with('/')) out.pop_back();
  return out;
}

// A bind source is a file or a directory; the mount point must match.
Result<bool> source_is_file(const std::string& source) {
  struct stat st;
  if (::stat(source.c_str(), &st) < 0) return fail_errno(errno, "stat " + source);
  return !S_ISDIR(st.st_mode);
}

Result<> add_cgroup_mount(const oci::Mount& mount, const oci::MountOptions& options, const oci::Config& config,
                          const cgroups::Cgroup* cgroup, LaunchPlan& plan) {
  auto hierarchies = WARD_TRY(cgroups::host_hierarchies());
  auto own = WARD_TRY(cgroups::memberships("self"));
  std::string destination = clean_destination(mount.destination);
  unsigned long keep = options.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_NOATIME |
                                        MS_STRICTATIME);
  bool pure_v2 = hierarchies.size() == 1 && hierarchies.front().unified;
  bool private_cgroupns = config.has_namespace(oci::NamespaceKind::cgroup);

  if (pure_v2 && private_cgroupns) {
    MountStep step;
    step.kind = MountStep::Kind::mount;
    step.source = "cgroup";
    step.destination = destination;
    step.fstype = "cgroup2";
    step.flags = keep;
    plan.mounts.push_back(std::move(step));
    return {};
  }
  auto bind_hierarchy = [&](const cgroups::Hierarchy& h, const std::string& target) -> Result<> {
    std::string source = cgroup_bind_source(h, cgroup, own);
    MountStep step;
    step.kind = MountStep::Kind::bind;
    step.source = source;
    step.destination = target;
    step.flags = MS_BIND;
    step.recursive_bind = false;
    step.remount = true;
    step.remount_flags = keep;
    plan.mounts.push_back(std::move(step));
    return {};
  };
  if (pure_v2) return bind_hierarchy(hierarchies.front(), destination);

  // v1 or hybrid: a tmpfs holding one directory per hierarchy.
  MountStep tmpfs;
  tmpfs.kind = MountStep::Kind::mount;
  tmpfs.source = "tmpfs";
  tmpfs.destination = destination;
  tmpfs.fstype = "tmpfs";
  tmpfs.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  tmpfs.data = "mode=755";
  plan.mounts.push_back(tmpfs);
  for (const auto& h : hierarchies) {
    std::string name = h.mount_point.substr(h.mount_point.rfind('/') + 1);
    WARD_TRY(bind_hierarchy(h, destination + "/" + name));
    if (h.controllers.size() > 1) {
      for (const auto& controller : h.controllers) {
        if (controller == name) continue;
        MountStep link;
        link.kind = MountStep::Kind::symlink;
        link.source = name;
        link.destination = destination + "/" + controller;
        plan.mounts.push_back(std::move(link));
      }
    }
  }
  if (keep & MS_RDONLY) {
    tmpfs.flags = MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
    plan.mounts.push_back(std::move(tmpfs));
  }
  return {};
}

void add_device(LaunchPlan& plan, DeviceNode node) {
  auto same = std::find_if(plan.devices.begin(), plan.devices.end(),
                           [&](const DeviceNode& d) { return d.path == node.path; });
  if (same != plan.devices.end())
    *same = std::move(node);
  else
    plan.devices.push_back(std::move(node));
}

// The target of `path` if it is a symlink, else "".
Result<std::string> symlink_target(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) < 0) return fail_errno(errno, "stat " + path);
  if (!S_ISLNK(st.st_mode)) return std::string();
  char target[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), target, sizeof(target));
  if (n < 0) return fail_errno(errno, "readlink " + path);
  if (static_cast<size_t>(n) >= sizeof(target)) return fail_errno(ENAMETOOLONG, "readlink " + path);
  return std::string(target, static_cast<size_t>(n));
}

// Whether the filesystem data ("size=1m,mode=700") sets option `key`.
bool data_sets(std::string_view data, std::string_view key) {
  while (!data.empty()) {
    size_t comma = data.find(',');
    std::string_view option = data.substr(0, comma);
    if (option.substr(0, option.find('=')) == key) return true;
    if (comma == std::string_view::npos) break;
    data.remove_prefix(comma + 1);
  }
  return false;
}

void plan_copy_up(const oci::MountOptions& options, MountStep& step) {
  step.copy_up = true;
  step.copy_up_root_mode = !data_sets(options.data, "mode");
  step.copy_up_root_owner = !data_sets(options.data, "uid") && !data_sets(options.data, "gid");
  // Filled while writable, then made read-only.
  if (step.flags & MS_RDONLY) {
    step.flags &= ~static_cast<unsigned long>(MS_RDONLY);
    step.remount = true;
    step.remount_flags = options.bind_remount_flags();
  }
}

}  // namespace

Result<> add_mounts(const oci::Config& config, const PlanOptions& options, LaunchPlan& plan) {
  for (size_t i = 0; i < config.mounts.size(); ++i) {
    const auto& mount = config.mounts[i];
    auto field = [&](std::string_view what) { return fmt::format("mounts[{}]{}", i, what); };
    auto parsed = oci::parse_mount_options(mount.options);
    if (!parsed) return std::unexpected(parsed.error().wrap(field(".options")));
    if (mount.destination.empty()) return fail(field(".destination: must not be empty"));
    bool is_bind = parsed->bind || mount.type == "bind";
    WARD_TRY(check_idmapped_mount(mount, *parsed, is_bind, i));
    if (parsed->tmpcopyup && (is_bind || mount.type != "tmpfs"))
      return fail(field(fmt::format(".options: tmpcopyup applies to tmpfs mounts only, not to {}",
                                    is_bind ? std::string("a bind mount") : "type \"" + mount.type + "\"")));

    if (mount.type == "cgroup" || mount.type == "cgroup2") {
      if (auto r = add_cgroup_mount(mount, *parsed, config, options.cgroup, plan); !r)
        return std::unexpected(r.error().wrap(field("")));
      continue;
    }
    MountStep step;
    step.destination = clean_destination(mount.destination);
    step.data = parsed->data;
    step.propagation = parsed->propagation;
    step.recursive_set = parsed->recursive_set;
    step.recursive_clear = parsed->recursive_clear;
    if (is_bind) {
      step.kind = MountStep::Kind::bind;
      step.source = join_path(options.bundle, mount.source);
      if (parsed->copy_symlink) {
        // crun's copy-symlink: a symlink source is recreated at the
        // destination instead of bind-mounting what it points to.
        auto target = symlink_target(step.source);
        if (!target) return std::unexpected(target.error().wrap(field(".source")));
        if (!target->empty()) {
          MountStep link;
          link.kind = MountStep::Kind::symlink;
          link.source = std::move(*target);
          link.destination = step.destination;
          link.replace_existing = true;
          plan.mounts.push_back(std::move(link));
          continue;
        }
      }
      step.recursive_bind = parsed->recursive_bind;
      step.flags = MS_BIND | (parsed->recursive_bind ? MS_REC : 0);
      unsigned long remount = parsed->bind_remount_flags();
      if (remount != 0) {
        step.remount = true;
        step.remount_flags = remount;
      }
      auto is_file = source_is_file(step.source);
      if (!is_file) return std::unexpected(is_file.error().wrap(field(".source")));
      step.destination_is_file = *is_file;
      if (wants_idmap(mount, *parsed)) WARD_TRY(plan_idmapped_mount(config, mount, *parsed, i, step, plan));
    } else {
      if (mount.type.empty()) return fail(field(".type: must be set for a mount that is not a bind mount"));
      step.kind = MountStep::Kind::mount;
      step.source = mount.source.empty() ? mount.type : mount.source;
      step.fstype = mount.type;
      step.flags = parsed->flags & ~static_cast<unsigned long>(MS_BIND | MS_REC);
      if (parsed->tmpcopyup) plan_copy_up(*parsed, step);
    }
    if (step.destination == "/dev" && is_bind) plan.setup_dev = false;
    if (step.destination == "/dev/pts") plan.has_dev_pts = true;
    plan.mounts.push_back(std::move(step));
  }
  return {};
}

Result<> add_devices(const oci::Config& config, LaunchPlan& plan) {
  struct Default {
    const char* path;
    unsigned major, minor;
  };
  static constexpr Default kDefaults[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                                          {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  if (plan.setup_dev) {
    for (const auto& d : kDefaults)
      add_device(plan, DeviceNode{d.path, S_IFCHR | 0666, makedev(d.major, d.minor), 0, 0});
  }
  for (size_t i = 0; i < config.linux.devices.size(); ++i) {
    const auto& dev = config.linux.devices[i];
    DeviceNode node;
    node.path = clean_destination(dev.path);
    mode_t type = 0;
    switch (dev.type) {
      case 'c':
      case 'u': type = S_IFCHR; break;
      case 'b': type = S_IFBLK; break;
      case 'p': type = S_IFIFO; break;
      default: return fail(fmt::format("linux.devices[{}].type: unknown device type '{}'", i, dev.type));
    }
    node.mode = type | (dev.file_mode ? (*dev.file_mode & 07777) : 0666);
    node.device = makedev(static_cast<unsigned>(dev.major), static_cast<unsigned>(dev.minor));
    node.uid = dev.uid.value_or(0);
    node.gid = dev.gid.value_or(0);
    add_device(plan, std::move(node));
  }
  return {};
}

Result<> bind_own_cgroups(LaunchPlan& plan, const cgroups::Cgroup& cgroup) {
  auto hierarchies = WARD_TRY(cgroups::host_hierarchies());
  auto own = WARD_TRY(cgroups::memberships("self"));
  for (const auto& h : hierarchies) {
    std::string planned = cgroup.directory_for(h.mount_point);
    if (planned.empty()) continue;
    for (auto& step : plan.mounts)
      if (step.kind == MountStep::Kind::bind && step.source == planned)
        step.source = cgroup_bind_source(h, nullptr, own);
  }
  return {};
}

}  // namespace ward::runtime
