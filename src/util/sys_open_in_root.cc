#include "util/sys.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

// open_in_root: opening a path inside a container's rootfs without ever
// resolving outside it.  openat2(RESOLVE_IN_ROOT) where the kernel has it,
// and a component-by-component walk where it does not (or a seccomp filter
// refuses it).

namespace ward::sys::raw {
namespace {

// Set by the front end (WARD_NO_OPENAT2=1) and by tests; constant-
// initialised, so the child side pulls in no static initialiser.
bool g_force_fallback = false;

// A symlink `name` in directory `dir` that procfs resolves by magic.
bool is_magic_link(int dir, const char* name) noexcept {
  struct statfs fs;
  if (::fstatfs(dir, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) return false;
  for (const char* plain : {"self", "thread-self", "mounts", "net"})
    if (std::strcmp(name, plain) == 0) {
      // Plain only at /proc's top, where the parent is procfs's root.
      struct stat st;
      return ::fstatat(dir, "", &st, AT_EMPTY_PATH) < 0 || st.st_ino != 1;
    }
  return true;
}

// Closes a raw fd on scope exit; allocation-free, for the child side.
struct ScopedRawFd {
  int fd = -1;
  ScopedRawFd() = default;
  explicit ScopedRawFd(int owned) : fd(owned) {}
  ScopedRawFd(const ScopedRawFd&) = delete;
  ScopedRawFd& operator=(const ScopedRawFd&) = delete;
  ~ScopedRawFd() { reset(-1); }
  void reset(int owned) noexcept {
    if (fd >= 0) ::close(fd);
    fd = owned;
  }
  int release() noexcept {
    int owned = fd;
    fd = -1;
    return owned;
  }
};

int open_dir_path(int dir, const char* name) noexcept {
  return static_cast<int>(retry([&] { return ::openat(dir, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC); }));
}

int open_at(int dir, const char* name, int flags, mode_t mode) noexcept {
  return static_cast<int>(retry([&] { return ::openat(dir, name, flags | O_CLOEXEC, mode); }));
}

// Walks a path beneath root_fd one component at a time with O_NOFOLLOW,
// expanding symlinks against the root and treating ".." lexically on the
// resolved components, so nothing resolves outside the root.
// `remaining` is what is left to walk from `pos`; `resolved` the components
// walked so far, "/"-joined; `current` the directory they lead to.
class RootWalk {
 public:
  explicit RootWalk(int root_fd) : root_fd_(root_fd) {}

  int start(const char* path) noexcept {
    size_t len = std::strlen(path);
    if (len >= sizeof(remaining_)) return -ENAMETOOLONG;
    std::memcpy(remaining_, path, len + 1);
    remaining_len_ = len;
    return back_to_root();
  }

  int current() const noexcept { return current_.fd; }

  // The next component into `name`: 1 when there is one (`last` says
  // whether only slashes follow it), 0 at the end of the path, or -errno.
  int next(char (&name)[NAME_MAX + 1], bool& last) noexcept {
    while (pos_ < remaining_len_ && remaining_[pos_] == '/') ++pos_;
    if (pos_ >= remaining_len_) return 0;
    size_t end = pos_;
    while (end < remaining_len_ && remaining_[end] != '/') ++end;
    size_t len = end - pos_;
    if (len > NAME_MAX) return -ENAMETOOLONG;
    std::memcpy(name, remaining_ + pos_, len);
    name[len] = '\0';
    pos_ = end;
    last = true;
    for (size_t i = end; i < remaining_len_; ++i)
      if (remaining_[i] != '/') last = false;
    return 1;
  }

  // "..": drops the last resolved component and walks the rest again from
  // the root, so ".." never climbs above it.
  int go_up() noexcept {
    while (resolved_len_ > 0 && resolved_[resolved_len_ - 1] != '/') --resolved_len_;
    if (resolved_len_ > 0) --resolved_len_;
    resolved_[resolved_len_] = '\0';
    size_t kept = resolved_len_;
    if (int e = reopen_root(); e < 0) return e;
    for (size_t p = 0; p < kept;) {
      while (p < kept && resolved_[p] == '/') ++p;
      size_t e = p;
      while (e < kept && resolved_[e] != '/') ++e;
      char component[NAME_MAX + 1];
      std::memcpy(component, resolved_ + p, e - p);
      component[e - p] = '\0';
      int next = open_dir_path(current_.fd, component);
      if (next < 0) return next;
      current_.reset(next);
      p = e;
    }
    return 0;
  }

  // Steps into the directory `name`, already opened as `dir` (taken).
  int descend(const char* name, int dir) noexcept {
    ScopedRawFd owned(dir);
    size_t len = std::strlen(name);
    if (resolved_len_ + 1 + len >= sizeof(resolved_)) return -ENAMETOOLONG;
    resolved_[resolved_len_++] = '/';
    std::memcpy(resolved_ + resolved_len_, name, len);
    resolved_len_ += len;
    resolved_[resolved_len_] = '\0';
    current_.reset(owned.release());
    return 0;
  }

  // The symlink `name`, opened as `link_fd`: its target goes in front of
  // what remains; an absolute target starts again at the root.
  // RESOLVE_NO_MAGICLINKS: procfs's per-process links (cwd, root, exe,
  // fd/N, ns/X, map_files/X) are not paths; refuse them as openat2 does.
  // /proc's own plain links (self, thread-self, mounts, net) are.
  int follow_link(const char* name, int link_fd) noexcept {
    if (is_magic_link(current_.fd, name)) return -ELOOP;
    if (++links_ > 40) return -ELOOP;
    char target[PATH_MAX];
    ssize_t n = ::readlinkat(link_fd, "", target, sizeof(target) - 1);
    if (n < 0) return -errno;
    size_t target_len = static_cast<size_t>(n);
    size_t tail = remaining_len_ - pos_;
    if (target_len + 1 + tail >= sizeof(remaining_)) return -ENAMETOOLONG;
    std::memmove(remaining_ + target_len + 1, remaining_ + pos_, tail);
    std::memcpy(remaining_, target, target_len);
    remaining_[target_len] = '/';
    remaining_len_ = target_len + 1 + tail;
    remaining_[remaining_len_] = '\0';
    pos_ = 0;
    if (target_len > 0 && target[0] == '/') return back_to_root();
    return 0;
  }

 private:
  // Starts the walk again at the root, with nothing resolved.
  int back_to_root() noexcept {
    resolved_len_ = 0;
    resolved_[0] = '\0';
    return reopen_root();
  }

  // Makes the root the current directory; `resolved` is the caller's to set.
  int reopen_root() noexcept {
    int fd = static_cast<int>(retry([&] { return ::openat(root_fd_, ".", O_PATH | O_DIRECTORY | O_CLOEXEC); }));
    if (fd < 0) return fd;
    current_.reset(fd);
    return 0;
  }

  int root_fd_;
  char remaining_[PATH_MAX * 2];
  size_t remaining_len_ = 0;
  size_t pos_ = 0;
  char resolved_[PATH_MAX];
  size_t resolved_len_ = 0;
  ScopedRawFd current_;
  int links_ = 0;
};

int open_in_root_fallback(int root_fd, const char* path, int flags, mode_t mode) noexcept {
  RootWalk walk(root_fd);
  if (int e = walk.start(path); e < 0) return e;
  for (;;) {
    char name[NAME_MAX + 1];
    bool last = false;
    int more = walk.next(name, last);
    if (more < 0) return more;
    // Path ends at a directory (or is "/"): reopen it with the caller's flags.
    if (more == 0) return open_at(walk.current(), ".", flags, mode);
    if (std::strcmp(name, ".") == 0) continue;
    if (std::strcmp(name, "..") == 0) {
      if (int e = walk.go_up(); e < 0) return e;
      continue;
    }
    ScopedRawFd probe(open_at(walk.current(), name, O_PATH | O_NOFOLLOW, 0));
    if (probe.fd < 0) {
      if (probe.fd == -ENOENT && last && (flags & O_CREAT))
        return open_at(walk.current(), name, flags | O_NOFOLLOW, mode);
      return probe.fd;
    }
    struct stat st;
    if (::fstatat(probe.fd, "", &st, AT_EMPTY_PATH) < 0) return -errno;
    if (S_ISLNK(st.st_mode)) {
      if (int e = walk.follow_link(name, probe.fd); e < 0) return e;
      continue;
    }
    if (last) return open_at(walk.current(), name, (flags & ~O_CREAT) | O_NOFOLLOW, mode);
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
    if (int e = walk.descend(name, probe.release()); e < 0) return e;
  }
}

}  // namespace

void force_openat2_fallback(bool on) noexcept {
  g_force_fallback = on;
}
bool openat2_fallback_forced() noexcept {
  return g_force_fallback;
}

int openat2(int dirfd, const char* path, std::uint64_t flags, std::uint64_t mode, std::uint64_t resolve) noexcept {
  struct open_how how {};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(retry([&] { return ::syscall(SYS_openat2, dirfd, path, &how, sizeof(how)); }));
}

int open_in_root(int root_fd, const char* path, int flags, mode_t mode) noexcept {
  if (!g_force_fallback) {
    int fd = openat2(root_fd, path, static_cast<std::uint64_t>(flags | O_CLOEXEC),
                     (flags & (O_CREAT | O_TMPFILE)) ? mode : 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd != -ENOSYS && fd != -E2BIG && fd != -EPERM) return fd;
    // EPERM: a seccomp filter (e.g. an older container engine's) blocking openat2.
  }
  return open_in_root_fallback(root_fd, path, flags, mode);
}

}  // namespace ward::sys::raw
