#include "runtime/child/copy_up.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/limits.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "util/fd.h"
#include "util/sys.h"

namespace ward::runtime::raw {

namespace {

constexpr size_t kDirentBufferSize = 4096;
constexpr unsigned kStatxMask = STATX_BASIC_STATS | STATX_MNT_ID;

// Static rather than on the stack: the init is single-threaded, one
// directory buffer serves each level of the walk, and the pages cost
// nothing until a copy touches them.
alignas(8) char g_dirents[kCopyUpMaxDepth + 1][kDirentBufferSize];
char g_data[64 * 1024];
char g_xattr_names[XATTR_LIST_MAX];
char g_xattr_value[XATTR_SIZE_MAX];

struct CopyState {
  const MountStep& step;
  ChildError& err;
  // The mount the copy stays on: the covered directory's.
  bool by_mount_id = false;
  std::uint64_t mount_id = 0;
  dev_t device = 0;
  // What was inert where the image has it stays inert in the copy: device
  // nodes under a nodev mount, set-id bits and file capabilities under a
  // nosuid one, when the tmpfs itself does not carry the same flag.
  bool drop_devices = false;
  bool drop_set_id = false;
  // The entry being copied, relative to the destination ("/a/b"), for
  // messages only; cut short when it would not fit.
  char path[PATH_MAX] = {};
  size_t path_length = 0;

  int fail(int code, const char* what) noexcept {
    return err.set(code, "mount ", step.destination.c_str(), ": tmpcopyup ", path_length ? path : "/", ": ", what);
  }
};

// Appends "/name" to state.path; returns the length to restore.
size_t push_name(CopyState& state, const char* name) noexcept {
  size_t saved = state.path_length;
  size_t n = std::strlen(name);
  if (saved + 1 + n < sizeof(state.path)) {
    state.path[saved] = '/';
    std::memcpy(state.path + saved + 1, name, n + 1);
    state.path_length = saved + 1 + n;
  }
  return saved;
}

void pop_name(CopyState& state, size_t saved) noexcept {
  state.path_length = saved;
  state.path[saved] = '\0';
}

bool on_copied_mount(const CopyState& state, const struct statx& st) noexcept {
  if (state.by_mount_id) return st.stx_mnt_id == state.mount_id;
  return makedev(st.stx_dev_major, st.stx_dev_minor) == state.device;
}

void times_of(const struct statx& st, struct timespec times[2]) noexcept {
  times[0].tv_sec = st.stx_atime.tv_sec;
  times[0].tv_nsec = st.stx_atime.tv_nsec;
  times[1].tv_sec = st.stx_mtime.tv_sec;
  times[1].tv_nsec = st.stx_mtime.tv_nsec;
}

mode_t kept_mode(const CopyState& state, const struct statx& st) noexcept {
  mode_t mode = st.stx_mode & 07777;
  if (state.drop_set_id && S_ISREG(st.stx_mode)) mode &= ~static_cast<mode_t>(S_ISUID | S_ISGID);
  return mode;
}

// What a tmpfs may refuse of an extended attribute without failing the
// copy: trusted.* outside the initial user namespace, security.* a module
// owns, a namespace this kernel's tmpfs does not store.
bool xattr_refusal(int code) noexcept {
  return code == EPERM || code == EACCES || code == ENOTSUP || code == EOPNOTSUPP || code == EINVAL;
}

int copy_xattrs(CopyState& state, int from, int to, bool file) noexcept {
  ssize_t listed = ::flistxattr(from, g_xattr_names, sizeof(g_xattr_names));
  if (listed < 0) return errno == ENOTSUP || errno == EOPNOTSUPP ? 0 : state.fail(errno, "list xattrs");
  for (ssize_t at = 0; at < listed;) {
    const char* name = g_xattr_names + at;
    at += static_cast<ssize_t>(std::strlen(name)) + 1;
    if (file && state.drop_set_id && std::strcmp(name, "security.capability") == 0) continue;
    ssize_t size = ::fgetxattr(from, name, g_xattr_value, sizeof(g_xattr_value));
    if (size < 0) {
      if (errno == ENODATA || xattr_refusal(errno)) continue;
      return state.fail(errno, "read xattrs");
    }
    if (::fsetxattr(to, name, g_xattr_value, static_cast<size_t>(size), 0) < 0 && !xattr_refusal(errno))
      return state.fail(errno, "write xattrs");
  }
  return 0;
}

// Owner, xattrs, mode, times of an entry open as `to`.  chown first: it
// clears set-id bits and file capabilities (security.capability), which
// the xattrs and the mode then put back.
int set_attributes(CopyState& state, int from, int to, const struct statx& st, bool owner, bool mode) noexcept {
  // EINVAL: an id this user namespace does not map (the image shows it as
  // the overflow id); the copy stays the init's.
  if (owner && ::fchown(to, st.stx_uid, st.stx_gid) < 0 && errno != EINVAL) return state.fail(errno, "chown");
  if (int r = copy_xattrs(state, from, to, S_ISREG(st.stx_mode)); r < 0) return r;
  if (mode && ::fchmod(to, kept_mode(state, st)) < 0) return state.fail(errno, "chmod");
  struct timespec times[2];
  times_of(st, times);
  if (::futimens(to, times) < 0) return state.fail(errno, "set times");
  return 0;
}

// The same for an entry reached by name (symlinks and special files, which
// have no readable fd): no xattrs.
int set_attributes_at(CopyState& state, int to, const char* name, const struct statx& st) noexcept {
  if (::fchownat(to, name, st.stx_uid, st.stx_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return state.fail(errno, "chown");
  // Not for a symlink: its mode means nothing, and fchmodat would follow it.
  if (!S_ISLNK(st.stx_mode) && ::fchmodat(to, name, kept_mode(state, st), 0) < 0) return state.fail(errno, "chmod");
  struct timespec times[2];
  times_of(st, times);
  if (::utimensat(to, name, times, AT_SYMLINK_NOFOLLOW) < 0) return state.fail(errno, "set times");
  return 0;
}

// The entry must still be what statx saw: an image swapping it between the
// two calls gets an error, not a copy of something else.
int check_same(CopyState& state, int fd, const struct statx& st) noexcept {
  struct stat now;
  if (::fstat(fd, &now) < 0) return state.fail(errno, "stat");
  if (now.st_ino != st.stx_ino || (now.st_mode & S_IFMT) != (st.stx_mode & S_IFMT))
    return state.fail(EAGAIN, "changed while being copied");
  return 0;
}

int copy_tree(CopyState& state, int from, int to, int depth) noexcept;

int copy_directory(CopyState& state, int from, int to, const char* name, const struct statx& st,
                   int depth) noexcept {
  static_assert(kCopyUpMaxDepth == 64, "the message below names the limit");
  if (depth + 1 > kCopyUpMaxDepth) return state.fail(0, "more directory levels than tmpcopyup copies (64)");
  UniqueFd source(static_cast<int>(
      sys::raw::retry([&] { return ::openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); })));
  if (!source) return state.fail(source.get(), "open");
  if (int r = check_same(state, source.get(), st); r < 0) return r;
  if (::mkdirat(to, name, 0700) < 0) return state.fail(errno, "mkdir");
  UniqueFd copy(static_cast<int>(
      sys::raw::retry([&] { return ::openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); })));
  if (!copy) return state.fail(copy.get(), "open the copy");
  if (on_copied_mount(state, st)) {
    if (int r = copy_tree(state, source.get(), copy.get(), depth + 1); r < 0) return r;
  }
  return set_attributes(state, source.get(), copy.get(), st, true, true);
}

int copy_regular_file(CopyState& state, int from, int to, const char* name, const struct statx& st) noexcept {
  // O_NONBLOCK: should the entry have become a fifo since statx, the open
  // does not hang (check_same then refuses it).
  UniqueFd source(static_cast<int>(sys::raw::retry(
      [&] { return ::openat(from, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC); })));
  if (!source) return state.fail(source.get(), "open");
  if (int r = check_same(state, source.get(), st); r < 0) return r;
  UniqueFd copy(static_cast<int>(sys::raw::retry(
      [&] { return ::openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600); })));
  if (!copy) return state.fail(copy.get(), "create");
  if (int r = sys::raw::copy_file_data(source.get(), copy.get(), g_data, sizeof(g_data)); r < 0)
    return state.fail(r, "copy data");
  return set_attributes(state, source.get(), copy.get(), st, true, true);
}

int copy_symlink(CopyState& state, int from, int to, const char* name, const struct statx& st) noexcept {
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(from, name, target, sizeof(target));
  if (n < 0) return state.fail(errno, "readlink");
  if (static_cast<size_t>(n) >= sizeof(target)) return state.fail(ENAMETOOLONG, "readlink");
  target[n] = '\0';
  if (::symlinkat(target, to, name) < 0) return state.fail(errno, "symlink");
  return set_attributes_at(state, to, name, st);
}

int copy_special(CopyState& state, int to, const char* name, const struct statx& st) noexcept {
  mode_t type = st.stx_mode & S_IFMT;
  dev_t device = makedev(st.stx_rdev_major, st.stx_rdev_minor);
  if (state.drop_devices && (type == S_IFCHR || type == S_IFBLK)) return 0;
  if (::mknodat(to, name, type | 0600, device) < 0) {
    // A user namespace may not create device nodes (nor could it open them).
    if (errno == EPERM && (type == S_IFCHR || type == S_IFBLK)) return 0;
    return state.fail(errno, "mknod");
  }
  return set_attributes_at(state, to, name, st);
}

int copy_entry(CopyState& state, int from, int to, const char* name, int depth) noexcept {
  struct statx st;
  if (::statx(from, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kStatxMask, &st) < 0)
    return state.fail(errno, "stat");
  switch (st.stx_mode & S_IFMT) {
    case S_IFDIR: return copy_directory(state, from, to, name, st, depth);
    case S_IFREG: return copy_regular_file(state, from, to, name, st);
    case S_IFLNK: return copy_symlink(state, from, to, name, st);
    default: return copy_special(state, to, name, st);
  }
}

// Every entry of the directory `from` into the directory `to`.
int copy_tree(CopyState& state, int from, int to, int depth) noexcept {
  char* buffer = g_dirents[depth];
  for (;;) {
    ssize_t filled = sys::raw::getdents64(from, buffer, kDirentBufferSize);
    if (filled < 0) return state.fail(static_cast<int>(filled), "read directory");
    if (filled == 0) return 0;
    for (ssize_t at = 0; at < filled;) {
      const auto* record = reinterpret_cast<const sys::raw::DirentRecord*>(buffer + at);
      at += record->length;
      const char* name = record->name;
      if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
      size_t saved = push_name(state, name);
      int r = copy_entry(state, from, to, name, depth);
      if (r < 0) return r;
      pop_name(state, saved);
    }
  }
}

}  // namespace

int open_covered_directory(int mount_point, const MountStep& step, ChildError& err) noexcept {
  int fd = static_cast<int>(
      sys::raw::retry([&] { return ::openat(mount_point, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); }));
  if (fd < 0) return err.set(fd, "mount ", step.destination.c_str(), ": tmpcopyup: open the covered directory");
  return fd;
}

int copy_up(int root_fd, int covered, const MountStep& step, ChildError& err) noexcept {
  CopyState state{step, err};
  const char* dest = step.destination.c_str();
  UniqueFd mounted(sys::raw::open_in_root(root_fd, dest, O_RDONLY | O_DIRECTORY));
  if (!mounted) return err.set(mounted.get(), "mount ", dest, ": tmpcopyup: open the new tmpfs");
  struct statfs fs;
  if (::fstatfs(mounted.get(), &fs) < 0) return state.fail(errno, "statfs");
  if (fs.f_type != TMPFS_MAGIC) return state.fail(EINVAL, "the destination is not the tmpfs just mounted");
  struct statx root;
  if (::statx(covered, "", AT_EMPTY_PATH, kStatxMask, &root) < 0) return state.fail(errno, "stat");
  state.by_mount_id = (root.stx_mask & STATX_MNT_ID) != 0;
  state.mount_id = root.stx_mnt_id;
  state.device = makedev(root.stx_dev_major, root.stx_dev_minor);
  struct statvfs from_flags, to_flags;
  if (::fstatvfs(covered, &from_flags) < 0 || ::fstatvfs(mounted.get(), &to_flags) < 0)
    return state.fail(errno, "statvfs");
  state.drop_devices = (from_flags.f_flag & ST_NODEV) && !(to_flags.f_flag & ST_NODEV);
  state.drop_set_id = (from_flags.f_flag & ST_NOSUID) && !(to_flags.f_flag & ST_NOSUID);
  if (int r = copy_tree(state, covered, mounted.get(), 0); r < 0) return r;
  return set_attributes(state, covered, mounted.get(), root, step.copy_up_root_owner, step.copy_up_root_mode);
}

}  // namespace ward::runtime::raw
