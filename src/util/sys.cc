#include "util/sys.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ward::sys {

namespace raw {
namespace {

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

}  // namespace

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

ssize_t recv_with_fd(int sock, void* data, size_t size, int* fd) noexcept {
  *fd = -1;
  iovec iov{data, size};
  msghdr header{};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  header.msg_control = control;
  header.msg_controllen = sizeof(control);
  ssize_t n = retry([&] { return ::recvmsg(sock, &header, MSG_CMSG_CLOEXEC); });
  if (n < 0) return n;
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg))
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) std::memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
  return n;
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
  auto fd = WARD_TRY(open(path, O_RDONLY));
  auto data = read_fd(fd.get());
  if (!data) return fail_errno(data.error().code, "read " + path);
  return data;
}

Result<> write_file(const std::string& path, std::string_view data) {
  auto fd = WARD_TRY(open(path, O_WRONLY | O_TRUNC));
  if (ssize_t n = raw::write_all(fd.get(), data.data(), data.size()); n < 0)
    return fail_errno(static_cast<int>(-n), "write " + path);
  return {};
}

Result<> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  auto fd = WARD_TRY(open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode));
  if (ssize_t n = raw::write_all(fd.get(), data.data(), data.size()); n < 0) {
    ::unlink(tmp.c_str());
    return fail_errno(static_cast<int>(-n), "write " + tmp);
  }
  fd.reset();
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
Result<> remove_tree_at_name(int dirfd, const char* name) {
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
    if (entry->d_type == DT_DIR || entry->d_type == DT_UNKNOWN) {
      if (auto r = remove_tree_at_name(::dirfd(dir), entry->d_name); !r) {
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
  return context(remove_tree_at_name(AT_FDCWD, path.c_str()), "remove {}", path);
}

Result<> remove_tree_at(int dir_fd, const std::string& name) {
  return context(remove_tree_at_name(dir_fd, name.c_str()), "remove {}", name);
}

Result<std::vector<std::string>> list_directory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return fail_errno(errno, "opendir " + path);
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    struct dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
  }
  int error = errno;
  ::closedir(dir);
  if (error != 0) return fail_errno(error, "readdir " + path);
  return names;
}

Result<std::vector<std::string>> list_directory_at(int dir_fd) {
  auto dir = WARD_TRY(open_at(dir_fd, ".", O_RDONLY | O_DIRECTORY));
  std::vector<std::string> names;
  alignas(8) char buffer[16384];
  for (;;) {
    ssize_t n = raw::getdents64(dir.get(), buffer, sizeof(buffer));
    if (n < 0) return fail_errno(static_cast<int>(-n), "read directory");
    if (n == 0) break;
    for (ssize_t offset = 0; offset < n;) {
      const auto* record = reinterpret_cast<const raw::DirentRecord*>(buffer + offset);
      std::string_view name(record->name);
      if (name != "." && name != "..") names.emplace_back(name);
      offset += record->length;
    }
  }
  // std::string compares as unsigned chars, like memcmp.
  std::sort(names.begin(), names.end());
  return names;
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
  auto text = WARD_TRY(read_file(fmt::format("/proc/{}/stat", pid)));
  size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return fail(fmt::format("malformed /proc/{}/stat", pid));
  return text.substr(close + 2);
}
}  // namespace

Result<> random_bytes(std::span<std::uint8_t> bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    ssize_t n = ::getrandom(bytes.data() + done, bytes.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "getrandom");
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::uint64_t> process_start_time(pid_t pid) {
  auto tail = WARD_TRY(stat_tail(pid));
  // tail starts at field 3 (state); starttime is field 22.
  size_t pos = 0;
  for (int field = 3; field < 22; ++field) {
    pos = tail.find(' ', pos);
    if (pos == std::string::npos) return fail(fmt::format("malformed /proc/{}/stat", pid));
    ++pos;
  }
  return std::strtoull(tail.c_str() + pos, nullptr, 10);
}

char process_state(pid_t pid) {
  auto tail = stat_tail(pid);
  if (!tail || tail->empty()) return 0;
  return (*tail)[0];
}

}  // namespace ward::sys
