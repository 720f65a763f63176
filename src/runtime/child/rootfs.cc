#include "runtime/child/rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/child/copy_up.h"
#include "runtime/child/rootfs_internal.h"
#include "util/sys.h"

namespace ward::runtime::raw {

namespace {

using sys::raw::open_in_root;

// MS_* flags a bind remount must keep: the kernel refuses to clear flags that
// are locked on the mount, and clearing them would weaken it anyway.
unsigned long current_mount_flags(int fd) noexcept {
  struct statvfs st;
  if (::fstatvfs(fd, &st) < 0) return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_RDONLY) flags |= MS_RDONLY;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

// Remounts the mount `fd` is the root of, by `path` when given (for "/",
// which needs no /proc), else through /proc/self/fd.
int bind_remount(int fd, unsigned long wanted, const char* what, ChildError& err, const char* path = nullptr) noexcept {
  unsigned long current = current_mount_flags(fd);
  unsigned long keep = current & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
  if (wanted & kAtimeFlags) keep &= ~kAtimeFlags;
  unsigned long flags = MS_BIND | MS_REMOUNT | wanted | keep;
  int r = path != nullptr ? sys::raw::mount(nullptr, path, nullptr, flags, nullptr)
                          : sys::raw::mount_on_fd(nullptr, fd, nullptr, flags, nullptr);
  if (r < 0) return err.set(r, "remount ", what);
  return 0;
}

int mount_setattr_recursive(int fd, std::uint64_t set, std::uint64_t clear) noexcept {
  struct mount_attr attr {};
  attr.attr_set = set;
  attr.attr_clr = clear;
  if (clear & MOUNT_ATTR__ATIME) attr.attr_clr |= MOUNT_ATTR__ATIME;
  long r = ::syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
  return r < 0 ? -errno : 0;
}

int do_mount_step(int root_fd, const MountStep& step, ChildError& err) noexcept {
  const char* dest = step.destination.c_str();
  if (step.kind == MountStep::Kind::symlink) {
    char parent[PATH_MAX];
    const char* name = nullptr;
    if (int r = split_parent(dest, parent, sizeof(parent), &name); r < 0) return err.set(r, "symlink ", dest);
    int dir = mkdir_all_in_root(root_fd, parent, err);
    if (dir < 0) return dir;
    int r = ::symlinkat(step.source.c_str(), dir, name);
    int e = errno;
    if (r < 0 && e == EEXIST && step.replace_existing) {
      // copy-symlink: the link replaces what the image has there, but
      // never a directory.
      struct stat st;
      if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        e = EISDIR;
      } else if (::unlinkat(dir, name, 0) == 0 && ::symlinkat(step.source.c_str(), dir, name) == 0) {
        r = 0;
      } else {
        e = errno;
      }
    }
    ::close(dir);
    if (r < 0 && (e != EEXIST || step.replace_existing)) return err.set(e, "symlink ", dest);
    return 0;
  }
  int target = ensure_mount_point(root_fd, dest, step.destination_is_file, err);
  if (target < 0) return target;
  // Opened before the mount, so it keeps reaching what the tmpfs covers.
  int covered = step.copy_up ? open_covered_directory(target, step, err) : -1;
  if (step.copy_up && covered < 0) {
    ::close(target);
    return covered;
  }
  int r;
  if (step.kind == MountStep::Kind::bind && step.idmapped_tree_fd >= 0) {
    r = sys::raw::move_mount_onto(step.idmapped_tree_fd, target);
    if (r < 0) {
      ::close(target);
      return err.set(r, "mount ", dest, ": attach idmapped mount of ", step.source.c_str());
    }
  } else if (step.kind == MountStep::Kind::bind) {
    int source = static_cast<int>(sys::raw::retry([&] { return ::open(step.source.c_str(), O_PATH | O_CLOEXEC); }));
    if (source < 0) {
      ::close(target);
      return err.set(source, "mount ", dest, ": open bind source ", step.source.c_str());
    }
    r = sys::raw::bind_fd_on_fd(source, target, step.recursive_bind);
    ::close(source);
    if (r < 0) {
      ::close(target);
      return err.set(r, "mount ", dest, ": bind ", step.source.c_str());
    }
  } else {
    r = sys::raw::mount_on_fd(step.source.c_str(), target, step.fstype.c_str(), step.flags,
                              step.data.empty() ? nullptr : step.data.c_str());
    if (r < 0) {
      ::close(target);
      if (covered >= 0) ::close(covered);
      return err.set(r, "mount ", step.fstype.c_str(), " on ", dest);
    }
  }
  ::close(target);
  if (covered >= 0) {
    // Before any read-only remount (plan_builder mounts such a tmpfs
    // writable first).
    r = copy_up(root_fd, covered, step, err);
    ::close(covered);
    if (r < 0) return r;
  }
  if (!step.remount && step.propagation.empty() && step.recursive_set == 0 && step.recursive_clear == 0) return 0;

  // Re-resolve: the fd taken before mounting refers to the covered directory.
  int mounted = open_in_root(root_fd, dest, O_PATH);
  if (mounted < 0) return err.set(mounted, "mount ", dest, ": reopen");
  if (step.remount) {
    if (int rr = bind_remount(mounted, step.remount_flags, dest, err); rr < 0) {
      ::close(mounted);
      return rr;
    }
  }
  for (unsigned long propagation : step.propagation) {
    r = sys::raw::mount_on_fd(nullptr, mounted, nullptr, propagation, nullptr);
    if (r < 0) {
      ::close(mounted);
      return err.set(r, "mount ", dest, ": set propagation");
    }
  }
  if (step.recursive_set != 0 || step.recursive_clear != 0) {
    r = mount_setattr_recursive(mounted, step.recursive_set, step.recursive_clear);
    if (r < 0) {
      ::close(mounted);
      return err.set(r, "mount ", dest, ": recursive attributes");
    }
  }
  ::close(mounted);
  return 0;
}

int mask_path(int root_fd, const char* path, int null_fd, const char* tmpfs_data, ChildError& err) noexcept {
  int target = open_in_root(root_fd, path, O_PATH | O_NOFOLLOW);
  if (target == -ENOENT) return 0;
  if (target < 0) return err.set(target, "mask ", path);
  struct stat st;
  if (::fstat(target, &st) < 0) {
    int e = errno;
    ::close(target);
    return err.set(e, "mask ", path, ": stat");
  }
  int r;
  if (S_ISDIR(st.st_mode)) {
    r = sys::raw::mount_on_fd("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, tmpfs_data);
  } else {
    r = sys::raw::bind_fd_on_fd(null_fd, target, false);
  }
  ::close(target);
  if (r < 0) return err.set(r, "mask ", path);
  return 0;
}

int readonly_path(int root_fd, const char* path, ChildError& err) noexcept {
  int target = open_in_root(root_fd, path, O_PATH);
  if (target == -ENOENT) return 0;
  if (target < 0) return err.set(target, "read-only path ", path);
  int r = sys::raw::bind_fd_on_fd(target, target, true);
  ::close(target);
  if (r < 0) return err.set(r, "read-only path ", path, ": bind");
  int mounted = open_in_root(root_fd, path, O_PATH);
  if (mounted < 0) return err.set(mounted, "read-only path ", path, ": reopen");
  r = bind_remount(mounted, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, path, err);
  ::close(mounted);
  return r;
}

}  // namespace

// Makes sure `path` exists beneath the root as a directory or a file and
// returns an O_PATH fd of it.
int ensure_mount_point(int root_fd, const char* path, bool is_file, ChildError& err) noexcept {
  int fd = open_in_root(root_fd, path, O_PATH);
  if (fd >= 0) return fd;
  if (fd != -ENOENT) return err.set(fd, "resolve ", path, " in rootfs");
  if (!is_file) return mkdir_all_in_root(root_fd, path, err);
  char parent[PATH_MAX];
  const char* name = nullptr;
  if (int r = split_parent(path, parent, sizeof(parent), &name); r < 0) return err.set(r, "mount point ", path);
  int dir = mkdir_all_in_root(root_fd, parent, err);
  if (dir < 0) return dir;
  int file = static_cast<int>(
      sys::raw::retry([&] { return ::openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644); }));
  ::close(dir);
  if (file < 0) return err.set(file, "create mount point ", path);
  ::close(file);
  fd = open_in_root(root_fd, path, O_PATH);
  if (fd < 0) return err.set(fd, "resolve ", path, " in rootfs");
  return fd;
}

int root_fd_now(ChildError& err) noexcept {
  int fd = static_cast<int>(sys::raw::retry([] { return ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC); }));
  if (fd < 0) return err.set(fd, "open /");
  return fd;
}

int mkdir_all_in_root(int root_fd, const char* path, ChildError& err) noexcept {
  int fd = open_in_root(root_fd, path, O_PATH | O_DIRECTORY);
  if (fd >= 0) return fd;
  if (fd != -ENOENT) return err.set(fd, "resolve ", path, " in rootfs");
  char prefix[PATH_MAX];
  if (int r = copy_path(prefix, sizeof(prefix), path); r < 0) return err.set(r, "mkdir ", path);
  size_t len = std::strlen(prefix);
  // Walk prefixes: "/a", "/a/b", ... creating what is missing.
  for (size_t i = 1; i <= len; ++i) {
    if (i != len && prefix[i] != '/') continue;
    char saved = prefix[i];
    prefix[i] = '\0';
    int existing = open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY);
    if (existing >= 0) {
      ::close(existing);
    } else if (existing == -ENOENT) {
      char parent[PATH_MAX];
      const char* name = nullptr;
      split_parent(prefix, parent, sizeof(parent), &name);
      int dir = open_in_root(root_fd, parent, O_PATH | O_DIRECTORY);
      if (dir < 0) return err.set(dir, "mkdir ", prefix);
      int r = ::mkdirat(dir, name, 0755);
      int e = errno;
      ::close(dir);
      if (r < 0 && e != EEXIST) return err.set(e, "mkdir ", prefix);
    } else {
      return err.set(existing, "mkdir ", prefix);
    }
    prefix[i] = saved;
  }
  fd = open_in_root(root_fd, path, O_PATH | O_DIRECTORY);
  if (fd < 0) return err.set(fd, "mkdir ", path);
  return fd;
}

int prepare_rootfs(const LaunchPlan& plan, int* root_fd, ChildError& err) noexcept {
  // Sharing the runtime's mount namespace, "/" is the host's: untouched.
  // The propagation goes on the rootfs bind mount instead, so that what
  // is mounted below it does not spread to the host's peers.
  const char* rootfs = plan.rootfs.c_str();
  int r = 0;
  if (!plan.shares_mount_namespace) {
    r = sys::raw::mount(nullptr, "/", nullptr, plan.root_propagation, nullptr);
    if (r < 0) return err.set(r, "set propagation of /");
  }
  if (plan.rootfs_mount_fd >= 0) {
    // The engine's overlay, made detached by the parent: attached here, in
    // this mount namespace only.
    int target = static_cast<int>(sys::raw::retry([&] { return ::open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC); }));
    if (target < 0) return err.set(target, "open rootfs mount point ", rootfs);
    r = sys::raw::move_mount_onto(plan.rootfs_mount_fd, target);
    ::close(target);
    if (r < 0) return err.set(r, "attach the rootfs mount at ", rootfs);
  } else {
    r = sys::raw::mount(rootfs, rootfs, nullptr, MS_BIND | MS_REC, nullptr);
    if (r < 0) return err.set(r, "bind rootfs ", rootfs);
  }
  if (plan.shares_mount_namespace) {
    r = sys::raw::mount(nullptr, rootfs, nullptr, plan.root_propagation, nullptr);
    if (r < 0) return err.set(r, "set propagation of the rootfs bind mount");
  }
  int fd = static_cast<int>(sys::raw::retry([&] { return ::open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC); }));
  if (fd < 0) return err.set(fd, "open rootfs ", rootfs);
  for (const auto& step : plan.mounts) {
    if (r = do_mount_step(fd, step, err); r < 0) {
      ::close(fd);
      return r;
    }
  }
  if (r = setup_dev(fd, plan, err); r < 0) {
    ::close(fd);
    return r;
  }
  *root_fd = fd;
  return 0;
}

int enter_rootfs(const LaunchPlan& plan, int root_fd, ChildError& err) noexcept {
  // Neither pivot_root nor MS_MOVE: both would act on the host's "/".
  if (plan.shares_mount_namespace) return chroot_into(root_fd, err);
  if (plan.no_pivot) {
    if (::fchdir(root_fd) < 0) return err.set(errno, "chdir rootfs");
    int r = sys::raw::mount(plan.rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr);
    if (r < 0) return err.set(r, "move rootfs to /");
    if (::chroot(".") < 0) return err.set(errno, "chroot");
    if (::chdir("/") < 0) return err.set(errno, "chdir /");
    return 0;
  }
  int old_root = static_cast<int>(sys::raw::retry([] { return ::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC); }));
  if (old_root < 0) return err.set(old_root, "open old root");
  int new_root = static_cast<int>(
      sys::raw::retry([&] { return ::open(plan.rootfs.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC); }));
  if (new_root < 0) {
    ::close(old_root);
    return err.set(new_root, "open rootfs");
  }
  int r = 0;
  if (::fchdir(new_root) < 0) {
    r = err.set(errno, "chdir rootfs");
  } else if (int p = sys::raw::pivot_root(".", "."); p < 0) {
    r = err.set(p, "pivot_root");
  } else if (::fchdir(old_root) < 0) {
    r = err.set(errno, "chdir old root");
  } else if (int m = sys::raw::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr); m < 0) {
    r = err.set(m, "make old root rslave");
  } else if (::umount2(".", MNT_DETACH) < 0) {
    r = err.set(errno, "unmount old root");
  } else if (::chdir("/") < 0) {
    r = err.set(errno, "chdir /");
  }
  ::close(old_root);
  ::close(new_root);
  return r;
}

int chroot_into(int dir_fd, ChildError& err) noexcept {
  if (::fchdir(dir_fd) < 0) return err.set(errno, "chdir rootfs");
  if (::chroot(".") < 0) return err.set(errno, "chroot");
  if (::chdir("/") < 0) return err.set(errno, "chdir /");
  return 0;
}

int finish_rootfs(const LaunchPlan& plan, ChildError& err) noexcept {
  if (plan.rootfs_propagation != 0) {
    int r = sys::raw::mount(nullptr, "/", nullptr, plan.rootfs_propagation, nullptr);
    if (r < 0) return err.set(r, "linux.rootfsPropagation: set propagation of /");
  }
  for (const auto& sysctl : plan.sysctls) {
    int r = sys::raw::write_path(AT_FDCWD, sysctl.path.c_str(), sysctl.value.c_str(), sysctl.value.size());
    if (r < 0) return err.set(r, "linux.sysctl: set ", sysctl.key.c_str());
  }
  int root = root_fd_now(err);
  if (root < 0) return root;
  if (!plan.masked_paths.empty()) {
    // Only the real null device may cover a masked file: an image that
    // replaced /dev/null with a symlink or a regular file must not be able
    // to redirect the mask (CVE-2025-31133 class).
    int null_fd = open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW);
    if (null_fd < 0) {
      ::close(root);
      return err.set(null_fd, "maskedPaths: open /dev/null");
    }
    struct stat st;
    if (::fstat(null_fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
      ::close(null_fd);
      ::close(root);
      return err.set(EPERM, "maskedPaths: /dev/null is not the null device");
    }
    for (const auto& path : plan.masked_paths) {
      if (int r = mask_path(root, path.c_str(), null_fd, plan.masked_directory_data.c_str(), err); r < 0) {
        ::close(null_fd);
        ::close(root);
        return r;
      }
    }
    ::close(null_fd);
  }
  for (const auto& path : plan.readonly_paths) {
    if (int r = readonly_path(root, path.c_str(), err); r < 0) {
      ::close(root);
      return r;
    }
  }
  if (plan.readonly_root) {
    int r = bind_remount(root, MS_RDONLY, "/ read-only", err, "/");
    if (r < 0) {
      ::close(root);
      return r;
    }
  }
  ::close(root);
  return 0;
}

}  // namespace ward::runtime::raw
