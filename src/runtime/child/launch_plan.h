// Everything the container's init needs, computed by the parent before
// clone so that the child only reads: strings are owned here and the child
// uses c_str(), argv/envp arrays are built here, host fds are opened here.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "oci/config.h"
#include "security/capabilities.h"
#include "security/landlock.h"
#include "runtime/child/scheduling.h"
#include "security/seccomp.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::runtime {

// How the parent writes /proc/PID/{uid,gid}_map (planned by
// runtime/plan/id_mappings.h, written by runtime/id_map_writer.cc).
struct IdMapWrite {
  enum class Method { none, direct, helper };
  Method method = Method::none;
  std::string text;                       // for direct: the map file's content
  std::vector<oci::IdMapping> mappings;  // for helper: its arguments
  std::string helper;                     // for helper: its path
};

struct IdMapPlan {
  IdMapWrite uid, gid;
  // "deny" goes to /proc/PID/setgroups before gid_map: an unprivileged
  // direct gid_map needs it.  newgidmap writes setgroups itself ("allow"
  // when subordinate gids are mapped).
  bool deny_setgroups = false;
  // Whether the init may call setgroups(2) in the new namespace.
  bool setgroups_allowed = true;
};

// A NULL-terminated char* array over owned strings.
struct StringArray {
  std::vector<std::string> items;
  std::vector<char*> pointers;
  void assign(std::vector<std::string> values);
  [[nodiscard]] char* const* get() const { return pointers.data(); }
};

struct HookPlan {
  std::string path;
  StringArray argv;
  StringArray envp;
  int timeout_seconds = 0;  // 0: none
};

struct MountStep {
  enum class Kind { mount, bind, symlink };
  Kind kind = Kind::mount;
  std::string source;       // host path (bind), fs source (mount), link target (symlink)
  std::string destination;  // absolute, inside the container
  std::string fstype;
  std::string data;
  unsigned long flags = 0;          // mount(2) flags for the first pass
  unsigned long remount_flags = 0;  // bind only: MS_* to apply in a MS_BIND|MS_REMOUNT pass
  bool remount = false;
  std::vector<unsigned long> propagation;
  std::uint64_t recursive_set = 0, recursive_clear = 0;
  bool destination_is_file = false;  // create a file, not a directory, as the mount point
  bool recursive_bind = false;
  bool replace_existing = false;     // symlink only: replace a non-directory already there
  // tmpcopyup (tmpfs only): the new tmpfs gets a copy of the directory it
  // covers (runtime/copy_up.h); its root takes that directory's mode and
  // owner unless the options set mode= (or uid=/gid=).
  bool copy_up = false;
  bool copy_up_root_mode = false;
  bool copy_up_root_owner = false;
  // Idmapped bind mount: a detached, already idmapped copy of the source,
  // opened by ward-oci (which has the privilege over the source's
  // filesystem that the kernel asks for) and owned by
  // LaunchPlan::idmapped_trees; the init attaches it instead of binding.
  int idmapped_tree_fd = -1;
};

struct DeviceNode {
  std::string path;  // absolute, inside the container
  mode_t mode = 0;   // type bits | permission bits
  dev_t device = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct NamespaceJoin {
  UniqueFd fd;
  int type = 0;  // CLONE_NEW*
  std::string path;
};

struct RlimitSetting {
  int resource = 0;
  struct rlimit value {};
  std::string name;
};

struct SysctlSetting {
  std::string path;  // "/proc/sys/net/ipv4/ip_forward"
  std::string value;
  std::string key;   // for messages
};

struct LaunchPlan {
  // --- namespaces ---
  std::uint64_t clone_flags = 0;  // CLONE_NEW* created for the container
  std::vector<NamespaceJoin> joins;
  bool new_user_namespace = false;
  bool joins_user_namespace = false;
  IdMapPlan id_maps;  // how the parent writes /proc/PID/{uid,gid}_map
  bool unshare_cgroup_namespace = false;  // after GO, once placed in the cgroup
  // `exec`: join a running container; no rootfs, hooks or hostname work.
  bool exec_mode = false;
  // `exec` into a container that shares ward-oci's mount namespace: its
  // init's root (/proc/PID/root), which the new process chroots into.
  UniqueFd exec_root_fd;
  std::string time_offsets;      // /proc/self/timens_offsets contents

  // --- filesystem ---
  std::string rootfs;            // absolute host path (canonical when shares_mount_namespace)
  bool no_pivot = false;
  // No mount namespace of its own (none in linux.namespaces): the init
  // mounts in the runtime's namespace, only at or below the rootfs, leaves
  // the propagation of "/" alone and enters the rootfs by chroot.
  bool shares_mount_namespace = false;
  bool readonly_root = false;
  // A detached mount to attach at `rootfs` (not owned; see
  // CreateOptions::rootfs_mount_fd); -1: bind `rootfs` onto itself.
  int rootfs_mount_fd = -1;
  // Applied to "/" before anything (default MS_SLAVE|MS_REC); to the rootfs
  // bind mount instead when shares_mount_namespace.
  unsigned long root_propagation = 0;
  // rootfsPropagation, applied to the new root once entered (0: none): with
  // shares_mount_namespace that is the rootfs bind mount, not the host's "/".
  unsigned long rootfs_propagation = 0;
  std::vector<MountStep> mounts;
  std::vector<UniqueFd> idmapped_trees;  // see MountStep::idmapped_tree_fd
  bool setup_dev = false;        // create default devices and /dev symlinks
  bool bind_devices = false;     // bind host nodes instead of mknod (user namespace)
  bool has_dev_pts = false;
  std::vector<DeviceNode> devices;
  std::vector<std::string> masked_paths, readonly_paths;
  // Data of the tmpfs that covers a masked directory (plus linux.mountLabel).
  std::string masked_directory_data = "size=0,mode=000";
  std::vector<SysctlSetting> sysctls;
  bool set_hostname = false, set_domainname = false;
  std::string hostname, domainname;

  // --- process ---
  StringArray argv, envp;
  std::string path_env;  // the container's PATH, for looking up argv[0]
  std::string cwd;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;
  bool set_groups = true;
  int umask = -1;
  bool set_capabilities = false;
  security::CapabilityPlan capabilities;
  bool no_new_privileges = false;
  std::vector<RlimitSetting> rlimits;
  // linux.seccomp, compiled before clone; loaded last before execve (or,
  // without no_new_privs, before the uid switch, while CAP_SYS_ADMIN lasts;
  // or, with SCMP_ACT_NOTIFY, before READY, so its fd reaches the listener).
  bool has_seccomp = false;
  security::SeccompProgram seccomp;
  // process.landlock, planned against the kernel's ABI: the ruleset is
  // built before READY (so `create` reports a missing rule path) and
  // enforced first thing in the final step before execve.
  security::LandlockPlan landlock;
  std::string oom_score_adj;  // empty: leave as is
  SchedulingPlan scheduling;  // process.scheduler, process.ioPriority, linux.personality
  bool terminal = false;
  unsigned short console_rows = 0, console_cols = 0;
  int preserve_fds = 0;       // fds 3..3+N-1 pass into the container
  // A new session keyring named "_ses.<id>", so the container cannot reach
  // the keys of the session that started it; empty with --no-new-keyring.
  std::string session_keyring;
  // Linux security modules, written to the init's own /proc attributes once
  // the rootfs is ready (see init.cc): AppArmor's "exec PROFILE" and where
  // it goes, SELinux's process label.  Empty: none.
  std::string apparmor_attr_path;
  std::string apparmor_command;
  std::string selinux_label;

  // --- hooks run by the init itself (in the container's namespaces) ---
  std::vector<HookPlan> create_container_hooks, start_container_hooks;
  bool has_runtime_hooks = false;  // prestart/createRuntime, run by the parent
  UniqueFd hook_state_fd;          // memfd: state JSON ("creating"), written after clone
  UniqueFd start_state_fd;         // memfd: state JSON ("created")

  // --- handshake ---
  UniqueFd state_dir_fd;  // O_PATH of the state dir: init opens exec.fifo through it
  UniqueFd exec_fifo_fd;  // O_PATH of exec.fifo, reopened through /proc/self/fd
  uid_t root_host_uid = 0;  // the host uid of the container's root (user namespace)
  gid_t root_host_gid = 0;
  // Fds the parent holds at clone that the child must close at once: the
  // state directory's lock (flock belongs to the open file, so an init that
  // kept it would block every later `start` or `delete`) and the console
  // socket.
  int parent_only_fds[4] = {-1, -1, -1, -1};
  bool wait_for_start = true;
};

}  // namespace ward::runtime
