// Turns a validated oci::Config into a LaunchPlan: the parent does every
// lookup, allocation and host-side open here, before clone.
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>

#include "cgroups/hierarchy.h"
#include "oci/mount_options.h"
#include "runtime/launch_plan.h"
#include "runtime/passwd.h"
#include "runtime/plan_labels.h"
#include "util/log.h"
#include "util/sys.h"

namespace ward::runtime {

void StringArray::assign(std::vector<std::string> values) {
  items = std::move(values);
  pointers.clear();
  pointers.reserve(items.size() + 1);
  for (auto& item : items) pointers.push_back(item.data());
  pointers.push_back(nullptr);
}

namespace {

int clone_flag(oci::NamespaceKind kind) {
  switch (kind) {
    case oci::NamespaceKind::pid: return CLONE_NEWPID;
    case oci::NamespaceKind::network: return CLONE_NEWNET;
    case oci::NamespaceKind::mount: return CLONE_NEWNS;
    case oci::NamespaceKind::ipc: return CLONE_NEWIPC;
    case oci::NamespaceKind::uts: return CLONE_NEWUTS;
    case oci::NamespaceKind::user: return CLONE_NEWUSER;
    case oci::NamespaceKind::cgroup: return CLONE_NEWCGROUP;
    case oci::NamespaceKind::time: return CLONE_NEWTIME;
  }
  return 0;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (name.starts_with('/')) return name;
  if (dir.ends_with('/')) return dir + name;
  return dir + "/" + name;
}

std::string clean_destination(const std::string& destination) {
  std::string out = destination.starts_with('/') ? destination : "/" + destination;
  while (out.size() > 1 && out.ends_with('/')) out.pop_back();
  return out;
}

Result<> add_namespaces(const oci::Config& config, LaunchPlan& plan) {
  for (size_t i = 0; i < config.linux.namespaces.size(); ++i) {
    const auto& ns = config.linux.namespaces[i];
    int flag = clone_flag(ns.kind);
    if (ns.path.empty() && ns.kind == oci::NamespaceKind::cgroup) {
      // Unshared by the init once ward-oci has put it in its cgroup, so
      // that the namespace's root is the container's cgroup.
      plan.unshare_cgroup_namespace = true;
      continue;
    }
    if (ns.path.empty()) {
      plan.clone_flags |= static_cast<std::uint64_t>(flag);
      if (ns.kind == oci::NamespaceKind::user) plan.new_user_namespace = true;
      continue;
    }
    auto fd = sys::open(ns.path, O_RDONLY);
    if (!fd) return fail_errno(fd.error().code, fmt::format("linux.namespaces[{}].path: open {}", i, ns.path));
    // Checked here, where the error can name the field, not in the child.
    int actual = ::ioctl(fd->get(), NS_GET_NSTYPE);
    if (actual < 0)
      return fail_errno(errno, fmt::format("linux.namespaces[{}].path: {} is not a namespace file", i, ns.path));
    if (actual != flag)
      return fail(fmt::format("linux.namespaces[{}].path: {} is not a {} namespace", i, ns.path,
                              oci::namespace_kind_name(ns.kind)));
    NamespaceJoin join;
    join.fd = std::move(*fd);
    join.type = flag;
    join.path = ns.path;
    if (ns.kind == oci::NamespaceKind::user) plan.joins_user_namespace = true;
    // The user namespace is joined first, so that the others are joined with
    // the privileges it grants.
    if (ns.kind == oci::NamespaceKind::user)
      plan.joins.insert(plan.joins.begin(), std::move(join));
    else
      plan.joins.push_back(std::move(join));
  }
  if (!config.has_namespace(oci::NamespaceKind::mount))
    return fail("linux.namespaces: a mount namespace is required");
  if (plan.new_user_namespace) {
    // Chosen and checked now, so a range the caller may not map fails
    // before anything exists.
    auto caller = current_caller();
    if (!caller) return std::unexpected(caller.error());
    auto id_maps = plan_id_maps(config.linux.uid_mappings, config.linux.gid_mappings, *caller);
    if (!id_maps) return std::unexpected(id_maps.error());
    plan.id_maps = std::move(*id_maps);
    for (const auto& mapping : config.linux.uid_mappings)
      if (mapping.container_id == 0) plan.root_host_uid = mapping.host_id;
    for (const auto& mapping : config.linux.gid_mappings)
      if (mapping.container_id == 0) plan.root_host_gid = mapping.host_id;
  }
  if (!config.linux.time_offsets.empty()) {
    const auto* time_ns = config.find_namespace(oci::NamespaceKind::time);
    if (time_ns == nullptr || !time_ns->path.empty())
      return fail("linux.timeOffsets: needs a new time namespace");
    for (const auto& [clock, offset] : config.linux.time_offsets)
      plan.time_offsets += fmt::format("{} {} {}\n", clock, offset.secs, offset.nanosecs);
  }
  return {};
}

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

// A bind source is a file or a directory; the mount point must match.
Result<bool> source_is_file(const std::string& source) {
  struct stat st;
  if (::stat(source.c_str(), &st) < 0) return fail_errno(errno, "stat " + source);
  return !S_ISDIR(st.st_mode);
}

Result<> add_cgroup_mount(const oci::Mount& mount, const oci::MountOptions& options, const oci::Config& config,
                          const cgroups::Cgroup* cgroup, LaunchPlan& plan) {
  auto hierarchies = cgroups::host_hierarchies();
  if (!hierarchies) return std::unexpected(hierarchies.error());
  auto own = cgroups::memberships("self");
  if (!own) return std::unexpected(own.error());
  std::string destination = clean_destination(mount.destination);
  unsigned long keep = options.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_NOATIME |
                                        MS_STRICTATIME);
  bool pure_v2 = hierarchies->size() == 1 && hierarchies->front().unified;
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
    std::string source = cgroup_bind_source(h, cgroup, *own);
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
  if (pure_v2) return bind_hierarchy(hierarchies->front(), destination);

  // v1 or hybrid: a tmpfs holding one directory per hierarchy.
  MountStep tmpfs;
  tmpfs.kind = MountStep::Kind::mount;
  tmpfs.source = "tmpfs";
  tmpfs.destination = destination;
  tmpfs.fstype = "tmpfs";
  tmpfs.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  tmpfs.data = "mode=755";
  plan.mounts.push_back(tmpfs);
  for (const auto& h : *hierarchies) {
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

Result<> add_mounts(const oci::Config& config, const PlanOptions& options, LaunchPlan& plan) {
  for (size_t i = 0; i < config.mounts.size(); ++i) {
    const auto& mount = config.mounts[i];
    auto field = [&](std::string_view what) { return fmt::format("mounts[{}]{}", i, what); };
    auto parsed = oci::parse_mount_options(mount.options);
    if (!parsed) return std::unexpected(parsed.error().wrap(field(".options")));
    if (parsed->idmap || !mount.uid_mappings.empty() || !mount.gid_mappings.empty())
      return fail(field(": idmapped mounts are not supported by this ward-oci version"));
    if (mount.destination.empty()) return fail(field(".destination: must not be empty"));
    bool is_bind = parsed->bind || mount.type == "bind";
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

void add_device(LaunchPlan& plan, DeviceNode node) {
  auto same = std::find_if(plan.devices.begin(), plan.devices.end(),
                           [&](const DeviceNode& d) { return d.path == node.path; });
  if (same != plan.devices.end())
    *same = std::move(node);
  else
    plan.devices.push_back(std::move(node));
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

Result<> add_sysctls(const oci::Config& config, LaunchPlan& plan) {
  for (const auto& [key, value] : config.linux.sysctl) {
    if (key.empty() || key.find("..") != std::string::npos || key.starts_with('/') || key.starts_with('.'))
      return fail(fmt::format("linux.sysctl: invalid key \"{}\"", key));
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    plan.sysctls.push_back(SysctlSetting{path, value, key});
  }
  return {};
}

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=')
      return entry.substr(name.size() + 1);
  }
  return "";
}

bool env_has(const std::vector<std::string>& env, std::string_view name) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& entry) {
    return entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '=';
  });
}

Result<> add_process(const oci::Config& config, const std::string& host_root, LaunchPlan& plan) {
  const oci::Process& process = *config.process;
  std::vector<std::string> env = process.env;
  if (!env_has(env, "HOME")) env.push_back("HOME=" + home_directory(plan.rootfs, process.user.uid));
  plan.path_env = env_value(env, "PATH");
  if (plan.path_env.empty()) plan.path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  plan.argv.assign(process.args);
  plan.scheduling = plan_scheduling(process, config);
  plan.envp.assign(std::move(env));
  plan.cwd = process.cwd.empty() ? "/" : process.cwd;
  plan.uid = process.user.uid;
  plan.gid = process.user.gid;
  plan.additional_gids = process.user.additional_gids;
  if (process.user.umask) plan.umask = static_cast<int>(*process.user.umask);
  if (process.capabilities) {
    const auto& caps = *process.capabilities;
    plan.set_capabilities = true;
    plan.capabilities = security::make_capability_plan(caps.bounding, caps.effective, caps.inheritable,
                                                       caps.permitted, caps.ambient, security::last_capability());
    bool own_user_namespace = plan.new_user_namespace || plan.joins_user_namespace;
    if (auto missing =
            security::find_ungrantable(plan.capabilities, security::own_bounding_set(), own_user_namespace)) {
      const char* name = security::capability_name(missing->cap);
      return fail(fmt::format("process.capabilities.{}: {} is not in ward-oci's own bounding set, so capset cannot "
                              "grant it",
                              missing->set, name ? std::string(name) : std::to_string(missing->cap)));
    }
  }
  plan.no_new_privileges = process.no_new_privileges;
  for (const auto& limit : process.rlimits) {
    RlimitSetting setting;
    setting.resource = limit.resource;
    setting.value.rlim_cur = limit.soft;
    setting.value.rlim_max = limit.hard;
    setting.name = limit.name;
    plan.rlimits.push_back(std::move(setting));
  }
  if (process.oom_score_adj) plan.oom_score_adj = std::to_string(*process.oom_score_adj);
  plan.terminal = process.terminal;
  if (process.console_size) {
    plan.console_rows = static_cast<unsigned short>(process.console_size->height);
    plan.console_cols = static_cast<unsigned short>(process.console_size->width);
  }
  if (process.landlock) {
    auto landlock = security::plan_landlock(*process.landlock, security::landlock_abi());
    if (!landlock) return std::unexpected(landlock.error());
    // Best effort gave something up: said, never silent.
    for (const auto& notice : landlock->notices) log::warning(notice);
    plan.landlock = std::move(*landlock);
  }
  WARD_TRY(add_security_labels(process, host_root, plan));
  return {};
}

// linux.seccomp compiled (through the cache when there is one).
Result<> add_seccomp(const oci::Config& config, const PlanOptions& options, LaunchPlan& plan) {
  if (!config.linux.seccomp) return {};
  auto program = options.seccomp_cache_dir.empty()
                     ? security::compile_seccomp(*config.linux.seccomp)
                     : security::compile_seccomp_cached(*config.linux.seccomp, options.seccomp_cache_dir);
  if (!program) return std::unexpected(program.error());
  plan.has_seccomp = true;
  plan.seccomp = std::move(*program);
  return {};
}

HookPlan make_hook(const oci::Hook& hook) {
  HookPlan plan;
  plan.path = hook.path;
  std::vector<std::string> args = hook.args;
  if (args.empty()) args.push_back(hook.path);
  plan.argv.assign(std::move(args));
  plan.envp.assign(hook.env);
  plan.timeout_seconds = hook.timeout.value_or(0);
  return plan;
}

}  // namespace

Result<LaunchPlan> build_exec_plan(const oci::Config& config, const oci::Process& process, pid_t target,
                                   const std::string& rootfs, const PlanOptions& options) {
  LaunchPlan plan;
  plan.exec_mode = true;
  plan.wait_for_start = false;
  plan.rootfs = rootfs;  // for HOME from the image's /etc/passwd
  plan.preserve_fds = options.preserve_fds;
  // The user namespace first, so the others are joined with its privileges.
  struct Kind {
    const char* name;
    int flag;
  };
  constexpr Kind kKinds[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},       {"pid", CLONE_NEWPID},
                             {"net", CLONE_NEWNET},   {"ipc", CLONE_NEWIPC},     {"uts", CLONE_NEWUTS},
                             {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}};
  for (const auto& kind : kKinds) {
    std::string theirs = fmt::format("/proc/{}/ns/{}", target, kind.name);
    std::string ours = fmt::format("/proc/self/ns/{}", kind.name);
    struct stat a, b;
    if (::stat(theirs.c_str(), &a) < 0) {
      if (errno == ENOENT) continue;  // a kernel without this namespace type
      return fail_errno(errno, "exec: " + theirs);
    }
    if (::stat(ours.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
    auto fd = sys::open(theirs, O_RDONLY);
    if (!fd) return std::unexpected(fd.error().wrap("exec"));
    NamespaceJoin join;
    join.fd = std::move(*fd);
    join.type = kind.flag;
    join.path = theirs;
    if (kind.flag == CLONE_NEWUSER) plan.joins_user_namespace = true;
    plan.joins.push_back(std::move(join));
  }
  if (plan.joins.empty()) return fail("exec: the container shares every namespace with ward-oci");
  oci::Config with_process = config;
  with_process.process = process;
  inherit_security_labels(config, *with_process.process);
  WARD_TRY(add_process(with_process, options.host_root, plan));
  WARD_TRY(add_seccomp(config, options, plan));
  return plan;
}

Result<> bind_own_cgroups(LaunchPlan& plan, const cgroups::Cgroup& cgroup) {
  auto hierarchies = cgroups::host_hierarchies();
  if (!hierarchies) return std::unexpected(hierarchies.error());
  auto own = cgroups::memberships("self");
  if (!own) return std::unexpected(own.error());
  for (const auto& h : *hierarchies) {
    std::string planned = cgroup.directory_for(h.mount_point);
    if (planned.empty()) continue;
    for (auto& step : plan.mounts)
      if (step.kind == MountStep::Kind::bind && step.source == planned)
        step.source = cgroup_bind_source(h, nullptr, *own);
  }
  return {};
}

Result<LaunchPlan> build_launch_plan(const oci::Config& config, const PlanOptions& options) {
  LaunchPlan plan;
  if (!config.process) return fail("process: required to create a container");
  plan.rootfs = join_path(options.bundle, config.root.path);
  struct stat st;
  if (::stat(plan.rootfs.c_str(), &st) < 0) return fail_errno(errno, "root.path: " + plan.rootfs);
  if (!S_ISDIR(st.st_mode)) return fail("root.path: " + plan.rootfs + " is not a directory");
  plan.no_pivot = options.no_pivot;
  if (!options.no_new_keyring) plan.session_keyring = "_ses." + options.container_id;
  plan.readonly_root = config.root.readonly;
  plan.preserve_fds = options.preserve_fds;

  WARD_TRY(add_namespaces(config, plan));
  plan.root_propagation = MS_SLAVE | MS_REC;
  if (!config.linux.rootfs_propagation.empty()) {
    auto propagation = oci::parse_propagation(config.linux.rootfs_propagation);
    if (!propagation) return std::unexpected(propagation.error().wrap("linux.rootfsPropagation"));
    plan.rootfs_propagation = *propagation;
    if (*propagation & (MS_PRIVATE | MS_SLAVE)) plan.root_propagation = *propagation | MS_REC;
  }
  plan.setup_dev = true;
  WARD_TRY(add_mounts(config, options, plan));
  plan.bind_devices = plan.new_user_namespace || plan.joins_user_namespace || options.in_user_namespace_host;
  WARD_TRY(add_devices(config, plan));
  plan.masked_paths = config.linux.masked_paths;
  plan.readonly_paths = config.linux.readonly_paths;
  WARD_TRY(add_sysctls(config, plan));
  if (!config.hostname.empty()) {
    plan.set_hostname = true;
    plan.hostname = config.hostname;
  }
  if (!config.domainname.empty()) {
    plan.set_domainname = true;
    plan.domainname = config.domainname;
  }
  WARD_TRY(add_process(config, options.host_root, plan));
  for (const auto& hook : config.hooks.create_container) plan.create_container_hooks.push_back(make_hook(hook));
  for (const auto& hook : config.hooks.start_container) plan.start_container_hooks.push_back(make_hook(hook));
  plan.has_runtime_hooks = !config.hooks.prestart.empty() || !config.hooks.create_runtime.empty();
  WARD_TRY(add_mount_label(config, options.host_root, plan));
  if (!config.linux.intel_rdt_clos_id.empty()) return fail("linux.intelRdt: not supported by this ward-oci version");
  WARD_TRY(add_seccomp(config, options, plan));
  return plan;
}

}  // namespace ward::runtime
