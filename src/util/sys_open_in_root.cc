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

bool g_force_fallback = [] {
  const char* v = std::getenv("WARD_NO_OPENAT2");
  return v != nullptr && v[0] == '1';
}();

size_t str_len(const char* s) noexcept {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

// Walks `path` beneath root_fd one component at a time with O_NOFOLLOW,
// expanding symlinks against the root and treating ".." lexically on the
// resolved components, so nothing resolves outside the root.
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

int open_in_root_fallback(int root_fd, const char* path, int flags, mode_t mode) noexcept {
  char remaining[PATH_MAX * 2];
  char resolved[PATH_MAX];  // components resolved so far, "/"-joined
  char link[PATH_MAX];
  size_t rem_len = str_len(path);
  if (rem_len >= sizeof(remaining)) return -ENAMETOOLONG;
  std::memcpy(remaining, path, rem_len + 1);
  size_t res_len = 0;
  resolved[0] = '\0';
  int links = 0;

  int cur = static_cast<int>(retry([&] { return ::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC); }));
  if (cur < 0) return cur;

  size_t pos = 0;
  for (;;) {
    while (pos < rem_len && remaining[pos] == '/') ++pos;
    if (pos >= rem_len) {
      // Path ends at a directory (or is "/"): reopen it with the caller's flags.
      int fd = static_cast<int>(retry([&] { return ::openat(cur, ".", flags | O_CLOEXEC, mode); }));
      ::close(cur);
      return fd;
    }
    size_t end = pos;
    while (end < rem_len && remaining[end] != '/') ++end;
    char name[NAME_MAX + 1];
    size_t name_len = end - pos;
    if (name_len > NAME_MAX) {
      ::close(cur);
      return -ENAMETOOLONG;
    }
    std::memcpy(name, remaining + pos, name_len);
    name[name_len] = '\0';
    bool last = true;
    for (size_t i = end; i < rem_len; ++i)
      if (remaining[i] != '/') {
        last = false;
        break;
      }
    pos = end;

    if (std::strcmp(name, ".") == 0) continue;
    if (std::strcmp(name, "..") == 0) {
      // Pop one resolved component and re-walk from the root.
      while (res_len > 0 && resolved[res_len - 1] != '/') --res_len;
      if (res_len > 0) --res_len;
      resolved[res_len] = '\0';
      ::close(cur);
      cur = static_cast<int>(retry([&] { return ::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC); }));
      if (cur < 0) return cur;
      size_t p = 0;
      while (p < res_len) {
        while (p < res_len && resolved[p] == '/') ++p;
        size_t e = p;
        while (e < res_len && resolved[e] != '/') ++e;
        char comp[NAME_MAX + 1];
        std::memcpy(comp, resolved + p, e - p);
        comp[e - p] = '\0';
        int next = static_cast<int>(
            retry([&] { return ::openat(cur, comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC); }));
        ::close(cur);
        if (next < 0) return next;
        cur = next;
        p = e;
      }
      continue;
    }

    int probe = static_cast<int>(retry([&] { return ::openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC); }));
    if (probe < 0) {
      if (probe == -ENOENT && last && (flags & O_CREAT)) {
        int fd = static_cast<int>(retry([&] { return ::openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC, mode); }));
        ::close(cur);
        return fd;
      }
      ::close(cur);
      return probe;
    }
    struct stat st;
    if (::fstatat(probe, "", &st, AT_EMPTY_PATH) < 0) {
      int e = -errno;
      ::close(probe);
      ::close(cur);
      return e;
    }
    if (S_ISLNK(st.st_mode)) {
      // RESOLVE_NO_MAGICLINKS: procfs's per-process links (cwd, root, exe,
      // fd/N, ns/X, map_files/X) are not paths; refuse them as openat2
      // does.  /proc's own plain links (self, thread-self, mounts, net) are.
      if (is_magic_link(cur, name)) {
        ::close(probe);
        ::close(cur);
        return -ELOOP;
      }
      if (++links > 40) {
        ::close(probe);
        ::close(cur);
        return -ELOOP;
      }
      ssize_t n = ::readlinkat(probe, "", link, sizeof(link) - 1);
      ::close(probe);
      if (n < 0) {
        ::close(cur);
        return -errno;
      }
      link[n] = '\0';
      // remaining := link + remaining[pos..]
      size_t tail = rem_len - pos;
      if (static_cast<size_t>(n) + 1 + tail >= sizeof(remaining)) {
        ::close(cur);
        return -ENAMETOOLONG;
      }
      std::memmove(remaining + n + 1, remaining + pos, tail);
      std::memcpy(remaining, link, static_cast<size_t>(n));
      remaining[n] = '/';
      rem_len = static_cast<size_t>(n) + 1 + tail;
      remaining[rem_len] = '\0';
      pos = 0;
      if (link[0] == '/') {
        res_len = 0;
        resolved[0] = '\0';
        ::close(cur);
        cur = static_cast<int>(retry([&] { return ::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC); }));
        if (cur < 0) return cur;
      }
      continue;
    }
    if (last) {
      ::close(probe);
      int fd = static_cast<int>(retry([&] { return ::openat(cur, name, (flags & ~O_CREAT) | O_NOFOLLOW | O_CLOEXEC, mode); }));
      ::close(cur);
      return fd;
    }
    if (!S_ISDIR(st.st_mode)) {
      ::close(probe);
      ::close(cur);
      return -ENOTDIR;
    }
    if (res_len + 1 + name_len >= sizeof(resolved)) {
      ::close(probe);
      ::close(cur);
      return -ENAMETOOLONG;
    }
    resolved[res_len++] = '/';
    std::memcpy(resolved + res_len, name, name_len);
    res_len += name_len;
    resolved[res_len] = '\0';
    ::close(cur);
    cur = probe;
  }
}

}  // namespace

void force_openat2_fallback(bool on) noexcept { g_force_fallback = on; }
bool openat2_fallback_forced() noexcept { return g_force_fallback; }

int openat2(int dirfd, const char* path, std::uint64_t flags, std::uint64_t mode,
            std::uint64_t resolve) noexcept {
  struct open_how how {};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(retry([&] { return ::syscall(SYS_openat2, dirfd, path, &how, sizeof(how)); }));
}

int open_in_root(int root_fd, const char* path, int flags, mode_t mode) noexcept {
  if (!g_force_fallback) {
    int fd = openat2(root_fd, path, static_cast<std::uint64_t>(flags | O_CLOEXEC),
                     (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd != -ENOSYS && fd != -E2BIG && fd != -EPERM) return fd;
    // EPERM: a seccomp filter (e.g. an older container engine's) blocking openat2.
  }
  return open_in_root_fallback(root_fd, path, flags, mode);
}

}  // namespace ward::sys::raw
