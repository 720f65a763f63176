// Turns a validated oci::Config into a LaunchPlan: the parent does every
// lookup, allocation and host-side open here, before clone.
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "oci/capability_names.h"
#include "cgroups/hierarchy.h"
#include "oci/mount_options.h"
#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"
#include "runtime/plan/id_mappings.h"
#include "runtime/plan/scheduling.h"
#include "runtime/plan/passwd.h"
#include "runtime/plan/mounts.h"
#include "runtime/plan/labels.h"
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
  // runtime-spec: an absent type is the runtime's.  Mounts then stay below
  // the rootfs (see rootfs.cc) and `delete` takes them away.
  plan.shares_mount_namespace = !config.has_namespace(oci::NamespaceKind::mount);
  if (plan.new_user_namespace) {
    // Chosen and checked now, so a range the caller may not map fails
    // before anything exists.
    auto caller = WARD_TRY(current_caller());
    plan.id_maps = WARD_TRY(plan_id_maps(config.linux.uid_mappings, config.linux.gid_mappings, caller));
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
    // What runc and crun skip silently is skipped here with a word.
    for (const auto& warning : security::drop_unraisable_ambient(plan.capabilities)) log::warning(warning);
    bool own_user_namespace = plan.new_user_namespace || plan.joins_user_namespace;
    if (auto missing =
            security::find_ungrantable(plan.capabilities, security::own_bounding_set(), own_user_namespace)) {
      const char* name = oci::capability_name(missing->cap);
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
    auto landlock = WARD_TRY(security::plan_landlock(*process.landlock, security::landlock_abi()));
    // Best effort gave something up: said, never silent.
    for (const auto& notice : landlock.notices) log::warning(notice);
    plan.landlock = std::move(landlock);
  }
  WARD_TRY(add_security_labels(process, host_root, plan));
  return {};
}

// linux.seccomp compiled (through the cache when there is one).
Result<> add_seccomp(const oci::Config& config, const PlanOptions& options, LaunchPlan& plan) {
  if (!config.linux.seccomp) return {};
  auto program = WARD_TRY(options.seccomp_cache_dir.empty()
                              ? security::compile_seccomp(*config.linux.seccomp)
                              : security::compile_seccomp_cached(*config.linux.seccomp, options.seccomp_cache_dir));
  plan.has_seccomp = true;
  plan.seccomp = std::move(program);
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
  auto joins_mount = [](const NamespaceJoin& join) { return join.type == CLONE_NEWNS; };
  if (std::none_of(plan.joins.begin(), plan.joins.end(), joins_mount)) {
    // The container shares ward-oci's mount namespace: setns gives no root,
    // so the process chroots into the init's.
    auto root = sys::open(fmt::format("/proc/{}/root", target), O_PATH | O_DIRECTORY);
    if (!root) return std::unexpected(root.error().wrap("exec"));
    plan.exec_root_fd = std::move(*root);
  }
  if (plan.joins.empty()) return fail("exec: the container shares every namespace with ward-oci");
  oci::Config with_process = config;
  with_process.process = process;
  inherit_security_labels(config, *with_process.process);
  WARD_TRY(add_process(with_process, options.host_root, plan));
  WARD_TRY(add_seccomp(config, options, plan));
  return plan;
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
  plan.rootfs_mount_fd = options.rootfs_mount_fd;
  if (plan.rootfs_mount_fd >= 0 && plan.shares_mount_namespace)
    return fail(
        "root.path: a prepared rootfs mount is attached in the container's own mount namespace, and "
        "linux.namespaces has none");
  if (plan.shares_mount_namespace) {
    // Canonical, so that `delete` finds every mount below it in mountinfo.
    char canonical[PATH_MAX];
    if (::realpath(plan.rootfs.c_str(), canonical) == nullptr) return fail_errno(errno, "root.path: " + plan.rootfs);
    plan.rootfs = canonical;
    if (plan.rootfs == "/")
      return fail("root.path: without a mount namespace (none in linux.namespaces) the rootfs cannot be the "
                  "runtime's own /");
  }
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
