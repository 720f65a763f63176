// The one thin layer over raw system calls.
//
// Two tiers:
//  * ward::sys::raw — async-signal-safe, allocation-free calls that return the
//    result or -errno and retry EINTR.  The only tier the container's init may
//    use between clone and exec.
//  * ward::sys — Result-returning wrappers for ordinary (parent-side) code,
//    whose errors name the path or object involved.
#pragma once

#include <linux/openat2.h>
#include <linux/sched.h>
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/fd.h"

struct bpf_insn;  // <linux/bpf.h>

namespace ward::sys {

namespace raw {

// Calls `fn` until it does not fail with EINTR; returns its value or -errno.
template <class F>
long retry(F&& fn) noexcept {
  for (;;) {
    long r = fn();
    if (r >= 0) return r;
    if (errno != EINTR) return -errno;
  }
}

int openat2(int dirfd, const char* path, std::uint64_t flags, std::uint64_t mode,
            std::uint64_t resolve) noexcept;
// Opens `path` beneath `root_fd`, treating root_fd as "/" for absolute paths,
// ".." and symlinks (RESOLVE_IN_ROOT), refusing magic links.  Uses a
// component-by-component walk when openat2 is unavailable or forced off.
int open_in_root(int root_fd, const char* path, int flags, mode_t mode = 0) noexcept;
pid_t clone3(struct clone_args* args) noexcept;
int pidfd_open(pid_t pid) noexcept;
int pidfd_send_signal(int pidfd, int sig) noexcept;
int close_range(unsigned first, unsigned last, unsigned flags) noexcept;
int pivot_root(const char* new_root, const char* put_old) noexcept;
int setns(int fd, int nstype) noexcept;
// Landlock: landlock_create_ruleset(2) returns the ruleset fd (or, with
// LANDLOCK_CREATE_RULESET_VERSION, the ABI version), landlock_add_rule(2)
// and landlock_restrict_self(2) 0; each -errno on failure.
int landlock_create_ruleset(const void* attr, size_t size, unsigned flags) noexcept;
int landlock_add_rule(int ruleset_fd, int rule_type, const void* attr, unsigned flags) noexcept;
int landlock_restrict_self(int ruleset_fd, unsigned flags) noexcept;
// One sendmsg(2) of `data` (MSG_NOSIGNAL), with `fd` as SCM_RIGHTS unless
// it is -1; retried on EINTR.  Bytes sent, or -errno.
ssize_t send_with_fd(int sock, const void* data, size_t size, int fd) noexcept;
// One recvmsg(2) into `data`; an fd that came with it (SCM_RIGHTS) is
// stored in *fd with close-on-exec (-1 when none).  Bytes received, or
// -errno; retried on EINTR.
ssize_t recv_with_fd(int sock, void* data, size_t size, int* fd) noexcept;
// ioprio_set(2) and sched_setattr(2) (attr: a struct sched_attr): 0 or -errno.
int ioprio_set(int which, int who, int priority) noexcept;
int sched_setattr(pid_t pid, const void* attr, unsigned flags) noexcept;
// keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): the keyring's serial or -errno.
long join_session_keyring(const char* name) noexcept;
// keyctl(KEYCTL_SETPERM, serial, permissions): 0 or -errno.
int set_keyring_permissions(long serial, unsigned long permissions) noexcept;
int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
          const void* data) noexcept;
// Mounts onto the object `target_fd` refers to, through /proc/self/fd/N, so
// nothing is re-resolved by path.
int mount_on_fd(const char* source, int target_fd, const char* fstype, unsigned long flags,
                const void* data) noexcept;
// Bind-mounts the object `source_fd` refers to onto `target_fd`.
int bind_fd_on_fd(int source_fd, int target_fd, bool recursive) noexcept;
// Attaches the detached mount tree `tree_fd` (open_idmapped_tree) onto the
// object `target_fd` refers to (move_mount(2)).  0 or -errno.
int move_mount_onto(int tree_fd, int target_fd) noexcept;
ssize_t write_all(int fd, const void* data, size_t size) noexcept;
ssize_t read_some(int fd, void* data, size_t size) noexcept;
// Writes `data` to the file at `path` (open O_WRONLY|O_CLOEXEC, no create).
int write_path(int dirfd, const char* path, const char* data, size_t size) noexcept;

// --- directory and file copying (sys_files.cc) ---
// One getdents64(2) on the directory fd: fills `buffer` with struct
// linux_dirent64 records (see DirentRecord); bytes filled, 0 at the end of
// the directory, or -errno.
ssize_t getdents64(int dir_fd, void* buffer, size_t size) noexcept;
// The fixed head of a linux_dirent64 record; the NUL-terminated name follows.
struct DirentRecord {
  std::uint64_t inode;
  std::int64_t offset;
  unsigned short length;  // of the whole record, name and padding included
  unsigned char type;     // DT_*
  char name[1];
};
// Copies `in` from its offset to its end into `out` at its offset: sendfile(2)
// while the kernel supports it for the pair, else read/write through
// `buffer`.  0 or -errno.
int copy_file_data(int in, int out, char* buffer, size_t size) noexcept;

// Forces the openat2 fallback on or off (tests; ward-oci calls it when
// WARD_NO_OPENAT2=1 is in its environment).
void force_openat2_fallback(bool on) noexcept;
bool openat2_fallback_forced() noexcept;

}  // namespace raw

// --- Result-returning wrappers for parent-side code ---
Result<UniqueFd> open(const std::string& path, int flags, mode_t mode = 0);
Result<UniqueFd> open_at(int dirfd, const std::string& path, int flags, mode_t mode = 0);
Result<std::string> read_file(const std::string& path);
Result<std::string> read_fd(int fd);
// Writes the file by a temporary in the same directory and rename(2).
Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0600);
Result<> write_file(const std::string& path, std::string_view data);
Result<> mkdir_all(const std::string& path, mode_t mode = 0755);
// Removes a directory tree without following symlinks.
Result<> remove_all(const std::string& path);
// Removes `name` in the directory `dir_fd` and, if it is a directory,
// everything under it, never following a symlink; a missing name is fine.
Result<> remove_tree_at(int dir_fd, const std::string& name);
// The names in a directory, "." and ".." left out, in no particular order.
Result<std::vector<std::string>> list_directory(const std::string& path);
// The same for the directory `dir_fd` (read through a fresh open of it, so
// the fd's own offset is untouched), sorted in byte order.
Result<std::vector<std::string>> list_directory_at(int dir_fd);
Result<UniqueFd> pidfd_open(pid_t pid);
bool path_exists(const std::string& path);
// Whether this process runs in the initial user namespace (its uid_map maps
// every id onto itself).  Root elsewhere, as under a rootless engine, holds
// no privilege over host cgroups.
bool in_initial_user_namespace();

// --- the mount table (sys_mounts.cc) ---
struct MountInfo {
  int id = 0;
  int parent_id = 0;
  std::string mount_point;  // unescaped (mountinfo writes " " as \040)
  std::string optional_fields;  // "shared:1 master:2", "" when none
};
// The lines of a /proc/PID/mountinfo text; malformed lines are skipped.
std::vector<MountInfo> parse_mountinfo(std::string_view text);
// Undoes mountinfo's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash).
std::string unescape_mountinfo(std::string_view field);
Result<std::vector<MountInfo>> read_mountinfo();
// The id (as in mountinfo) of the topmost mount at `path`; the last
// component is not followed.
Result<int> mount_id(const std::string& path);
// umount2(MNT_DETACH | UMOUNT_NOFOLLOW).
Result<> unmount_detach(const std::string& path);

// --- idmapped mounts (sys_idmap.cc) ---
// A detached copy of the mount at `path` (open_tree(2) OPEN_TREE_CLONE, its
// submounts too when `recursive_tree`) whose idmapping is the one of the
// user namespace `userns_fd` (mount_setattr(2) MOUNT_ATTR_IDMAP, on every
// mount of the copy when `recursive_idmap`).  Close-on-exec.
Result<UniqueFd> open_idmapped_tree(const std::string& path, int userns_fd, bool recursive_tree,
                                    bool recursive_idmap);
// A detached overlayfs mount (fsopen/fsconfig/fsmount: never attached on
// the caller's side) of `lower_dirs` (topmost first; paths, or
// /proc/self/fd/N of detached trees such as open_idmapped_tree's) under
// `upper_dir` and `work_dir` (both "": a read-only overlay of two or more
// lower dirs).  Close-on-exec; the mount goes with the last
// reference to it.  Errors carry the kernel's own message (fsopen's log).
Result<UniqueFd> make_detached_overlay(const std::vector<std::string>& lower_dirs, const std::string& upper_dir,
                                       const std::string& work_dir);
// A user namespace with these uid_map and gid_map contents, held by a
// short-lived child that is gone on return; the fd keeps it alive.
Result<UniqueFd> user_namespace_with_maps(const std::string& uid_map, const std::string& gid_map);

// --- eBPF programs on a cgroup v2 directory (sys_bpf.cc) ---
// Only BPF_PROG_TYPE_CGROUP_DEVICE at BPF_CGROUP_DEVICE: the device
// controller of cgroup v2.  Program fds are close-on-exec.

// Loads a device program; a verifier rejection carries the verifier's log.
Result<UniqueFd> bpf_load_device_program(std::span<const bpf_insn> program, const char* license);
// Ids of the device programs attached directly to the cgroup `cgroup_fd`
// (not those inherited from its ancestors).
Result<std::vector<std::uint32_t>> bpf_device_programs(int cgroup_fd);
// A new fd for the program with this id.
Result<UniqueFd> bpf_program_by_id(std::uint32_t id);
// Attaches with BPF_F_ALLOW_MULTI, so programs of ancestors and children
// all run.  With `replace_fd` >= 0 the attached program `replace_fd` is
// swapped for `program_fd` in one step (BPF_F_REPLACE).
Result<> bpf_attach_device_program(int cgroup_fd, int program_fd, int replace_fd = -1);
Result<> bpf_detach_device_program(int cgroup_fd, int program_fd);

// Fills `bytes` from the kernel's random source (getrandom(2)).
Result<> random_bytes(std::span<std::uint8_t> bytes);

// Start time of a process in clock ticks since boot (field 22 of
// /proc/PID/stat), used to tell a live process from a reused pid.
Result<std::uint64_t> process_start_time(pid_t pid);
// The one-letter state of /proc/PID/stat ('R', 'S', 'Z', ...), or 0 if gone.
char process_state(pid_t pid);

}  // namespace ward::sys
