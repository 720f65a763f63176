#include "util/sys.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ward::sys {

namespace raw {
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

// Formats "/proc/self/fd/N" into buf (at least 32 bytes).
void proc_fd_path(int fd, char* buf) noexcept {
  const char prefix[] = "/proc/self/fd/";
  size_t n = sizeof(prefix) - 1;
  std::memcpy(buf, prefix, n);
  char digits[16];
  int d = 0;
  unsigned v = static_cast<unsigned>(fd);
  do {
    digits[d++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (d > 0) buf[n++] = digits[--d];
  buf[n] = '\0';
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

pid_t clone3(struct clone_args* args) noexcept {
  long r = ::syscall(SYS_clone3, args, sizeof(*args));
  return r < 0 ? -errno : static_cast<pid_t>(r);
}

int pidfd_open(pid_t pid) noexcept {
  long r = ::syscall(SYS_pidfd_open, pid, 0);
  return r < 0 ? -errno : static_cast<int>(r);
}

int pidfd_send_signal(int pidfd, int sig) noexcept {
  long r = ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0);
  return r < 0 ? -errno : 0;
}

int close_range(unsigned first, unsigned last, unsigned flags) noexcept {
  long r = ::syscall(SYS_close_range, first, last, flags);
  return r < 0 ? -errno : 0;
}

int pivot_root(const char* new_root, const char* put_old) noexcept {
  long r = ::syscall(SYS_pivot_root, new_root, put_old);
  return r < 0 ? -errno : 0;
}

int landlock_create_ruleset(const void* attr, size_t size, unsigned flags) noexcept {
  long r = ::syscall(SYS_landlock_create_ruleset, attr, size, flags);
  return r < 0 ? -errno : static_cast<int>(r);
}

int landlock_add_rule(int ruleset_fd, int rule_type, const void* attr, unsigned flags) noexcept {
  long r = ::syscall(SYS_landlock_add_rule, ruleset_fd, rule_type, attr, flags);
  return r < 0 ? -errno : 0;
}

int landlock_restrict_self(int ruleset_fd, unsigned flags) noexcept {
  long r = ::syscall(SYS_landlock_restrict_self, ruleset_fd, flags);
  return r < 0 ? -errno : 0;
}

ssize_t send_with_fd(int sock, const void* data, size_t size, int fd) noexcept {
  iovec iov{const_cast<void*>(data), size};
  msghdr header{};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    header.msg_control = control;
    header.msg_controllen = sizeof(control);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  }
  return retry([&] { return ::sendmsg(sock, &header, MSG_NOSIGNAL); });
}

int ioprio_set(int which, int who, int priority) noexcept {
  long r = ::syscall(SYS_ioprio_set, which, who, priority);
  return r < 0 ? -errno : 0;
}

int sched_setattr(pid_t pid, const void* attr, unsigned flags) noexcept {
  long r = ::syscall(SYS_sched_setattr, pid, attr, flags);
  return r < 0 ? -errno : 0;
}

long join_session_keyring(const char* name) noexcept {
  long r = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  return r < 0 ? -errno : r;
}

int set_keyring_permissions(long serial, unsigned long permissions) noexcept {
  long r = ::syscall(SYS_keyctl, KEYCTL_SETPERM, serial, permissions);
  return r < 0 ? -errno : 0;
}

int setns(int fd, int nstype) noexcept {
  return static_cast<int>(retry([&] { return ::setns(fd, nstype); }));
}

int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
          const void* data) noexcept {
  return ::mount(source, target, fstype, flags, data) < 0 ? -errno : 0;
}

int mount_on_fd(const char* source, int target_fd, const char* fstype, unsigned long flags,
                const void* data) noexcept {
  char target[32];
  proc_fd_path(target_fd, target);
  return mount(source, target, fstype, flags, data);
}

int bind_fd_on_fd(int source_fd, int target_fd, bool recursive) noexcept {
  char source[32];
  proc_fd_path(source_fd, source);
  return mount_on_fd(source, target_fd, nullptr, MS_BIND | (recursive ? MS_REC : 0), nullptr);
}

ssize_t write_all(int fd, const void* data, size_t size) noexcept {
  const char* p = static_cast<const char*>(data);
  size_t done = 0;
  while (done < size) {
    long n = retry([&] { return ::write(fd, p + done, size - done); });
    if (n < 0) return n;
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

ssize_t read_some(int fd, void* data, size_t size) noexcept {
  return retry([&] { return ::read(fd, data, size); });
}

int write_path(int dirfd, const char* path, const char* data, size_t size) noexcept {
  int fd = static_cast<int>(retry([&] { return ::openat(dirfd, path, O_WRONLY | O_CLOEXEC); }));
  if (fd < 0) return fd;
  ssize_t n = write_all(fd, data, size);
  ::close(fd);
  return n < 0 ? static_cast<int>(n) : 0;
}

}  // namespace raw

Result<UniqueFd> open(const std::string& path, int flags, mode_t mode) {
  return open_at(AT_FDCWD, path, flags, mode);
}

Result<UniqueFd> open_at(int dirfd, const std::string& path, int flags, mode_t mode) {
  long fd = raw::retry([&] { return ::openat(dirfd, path.c_str(), flags | O_CLOEXEC, mode); });
  if (fd < 0) return fail_errno(static_cast<int>(-fd), "open " + path);
  return UniqueFd(static_cast<int>(fd));
}

Result<std::string> read_fd(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = raw::read_some(fd, buf, sizeof(buf));
    if (n < 0) return fail_errno(static_cast<int>(-n), "read");
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<std::string> read_file(const std::string& path) {
  auto fd = open(path, O_RDONLY);
  if (!fd) return std::unexpected(fd.error());
  auto data = read_fd(fd->get());
  if (!data) return fail_errno(data.error().code, "read " + path);
  return data;
}

Result<> write_file(const std::string& path, std::string_view data) {
  auto fd = open(path, O_WRONLY | O_TRUNC);
  if (!fd) return std::unexpected(fd.error());
  if (ssize_t n = raw::write_all(fd->get(), data.data(), data.size()); n < 0)
    return fail_errno(static_cast<int>(-n), "write " + path);
  return {};
}

Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  auto fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (!fd) return std::unexpected(fd.error());
  if (ssize_t n = raw::write_all(fd->get(), data.data(), data.size()); n < 0) {
    ::unlink(tmp.c_str());
    return fail_errno(static_cast<int>(-n), "write " + tmp);
  }
  fd->reset();
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return fail_errno(e, "rename " + tmp + " to " + path);
  }
  return {};
}

Result<> mkdir_all(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), mode) < 0 && errno != EEXIST) return fail_errno(errno, "mkdir " + prefix);
  }
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) return fail_errno(errno, "stat " + path);
  if (!S_ISDIR(st.st_mode)) return fail_errno(ENOTDIR, "mkdir " + path);
  return {};
}

namespace {
Result<> remove_tree_at(int dirfd, const char* name) {
  int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    if (errno == ENOTDIR || errno == ELOOP) {
      if (::unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) return fail_errno(errno, std::string("unlink ") + name);
      return {};
    }
    return fail_errno(errno, std::string("open ") + name);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return fail_errno(errno, std::string("opendir ") + name);
  }
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    if (entry->d_type == DT_DIR) {
      if (auto r = remove_tree_at(::dirfd(dir), entry->d_name); !r) {
        ::closedir(dir);
        return r;
      }
    } else if (::unlinkat(::dirfd(dir), entry->d_name, 0) < 0 && errno != ENOENT) {
      int e = errno;
      ::closedir(dir);
      return fail_errno(e, std::string("unlink ") + entry->d_name);
    }
  }
  ::closedir(dir);
  if (::unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return fail_errno(errno, std::string("rmdir ") + name);
  return {};
}
}  // namespace

Result<> remove_all(const std::string& path) {
  return context(remove_tree_at(AT_FDCWD, path.c_str()), "remove {}", path);
}

Result<UniqueFd> pidfd_open(pid_t pid) {
  int fd = raw::pidfd_open(pid);
  if (fd < 0) return fail_errno(-fd, fmt::format("pidfd_open {}", pid));
  return UniqueFd(fd);
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool in_initial_user_namespace() {
  auto map = read_file("/proc/self/uid_map");
  if (!map) return true;  // no /proc: no way to tell, and nothing to map either
  unsigned long inside = 0, outside = 0, count = 0;
  int fields = std::sscanf(map->c_str(), "%lu %lu %lu", &inside, &outside, &count);
  return fields == 3 && inside == 0 && outside == 0 && count == 4294967295UL;
}

namespace {
// Returns the fields after "(comm)" in /proc/PID/stat, starting at the state.
Result<std::string> stat_tail(pid_t pid) {
  auto text = read_file(fmt::format("/proc/{}/stat", pid));
  if (!text) return std::unexpected(text.error());
  size_t close = text->rfind(')');
  if (close == std::string::npos || close + 2 >= text->size())
    return fail(fmt::format("malformed /proc/{}/stat", pid));
  return text->substr(close + 2);
}
}  // namespace

Result<std::uint64_t> process_start_time(pid_t pid) {
  auto tail = stat_tail(pid);
  if (!tail) return std::unexpected(tail.error());
  // tail starts at field 3 (state); starttime is field 22.
  size_t pos = 0;
  for (int field = 3; field < 22; ++field) {
    pos = tail->find(' ', pos);
    if (pos == std::string::npos) return fail(fmt::format("malformed /proc/{}/stat", pid));
    ++pos;
  }
  return std::strtoull(tail->c_str() + pos, nullptr, 10);
}

char process_state(pid_t pid) {
  auto tail = stat_tail(pid);
  if (!tail || tail->empty()) return 0;
  return (*tail)[0];
}

}  // namespace ward::sys
