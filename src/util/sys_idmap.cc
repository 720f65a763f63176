// Idmapped mounts: a detached copy of a tree with an idmapping attached
// (open_tree + mount_setattr), the user namespace that carries a mapping,
// and attaching the copy inside the container (move_mount).
#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include <fmt/format.h>

#include "util/sys.h"

namespace ward::sys {

namespace raw {

int move_mount_onto(int tree_fd, int target_fd) noexcept {
  return static_cast<int>(retry([&] {
    return ::syscall(SYS_move_mount, tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
  }));
}

}  // namespace raw

Result<UniqueFd> open_idmapped_tree(const std::string& path, int userns_fd, bool recursive_tree,
                                    bool recursive_idmap) {
  unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive_tree ? AT_RECURSIVE : 0);
  long fd = raw::retry([&] { return ::syscall(SYS_open_tree, AT_FDCWD, path.c_str(), tree_flags); });
  if (fd < 0) return fail_errno(static_cast<int>(-fd), "open_tree " + path);
  UniqueFd tree(static_cast<int>(fd));
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<std::uint64_t>(userns_fd);
  unsigned flags = AT_EMPTY_PATH | (recursive_idmap ? AT_RECURSIVE : 0);
  if (::syscall(SYS_mount_setattr, tree.get(), "", flags, &attr, sizeof(attr)) < 0)
    return fail_errno(errno, "mount_setattr MOUNT_ATTR_IDMAP on " + path);
  return tree;
}

namespace {

// Reads what the kernel logged on an fs context (fsopen(2)'s message
// channel) as one line: "e overlay: ..." lines joined by "; ".
std::string fs_context_log(int fs_fd) {
  std::string text;
  char line[512];
  for (;;) {
    ssize_t n = ::read(fs_fd, line, sizeof(line) - 1);
    if (n <= 0) break;
    if (!text.empty()) text += "; ";
    std::string_view message(line, static_cast<size_t>(n));
    if (message.size() > 2 && message[1] == ' ') message.remove_prefix(2);
    text.append(message);
  }
  return text;
}

std::unexpected<Error> fs_context_error(int fs_fd, int error, const std::string& what) {
  std::string logged = fs_context_log(fs_fd);
  return fail_errno(error, logged.empty() ? what : what + " (" + logged + ")");
}

}  // namespace

Result<UniqueFd> make_detached_overlay(const std::vector<std::string>& lower_dirs, const std::string& upper_dir,
                                       const std::string& work_dir) {
  if (lower_dirs.empty()) return fail(ErrorKind::invalid_input, "overlay: no lower layer");
  long fs = raw::retry([] { return ::syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC); });
  if (fs < 0) return fail_errno(static_cast<int>(-fs), "fsopen overlay");
  UniqueFd context(static_cast<int>(fs));
  std::string lower;
  for (const auto& dir : lower_dirs) {
    if (!lower.empty()) lower += ':';
    lower += dir;
  }
  auto set = [&](const char* key, const std::string& value) -> Result<> {
    if (::syscall(SYS_fsconfig, context.get(), FSCONFIG_SET_STRING, key, value.c_str(), 0) < 0)
      return fs_context_error(context.get(), errno, fmt::format("overlay option {}={}", key, value));
    return {};
  };
  WARD_TRY(set("lowerdir", lower));
  if (!upper_dir.empty()) {
    WARD_TRY(set("upperdir", upper_dir));
    WARD_TRY(set("workdir", work_dir));
  }
  if (::syscall(SYS_fsconfig, context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    return fs_context_error(context.get(), errno, "create the overlay of " + upper_dir);
  long mount_fd = raw::retry([&] { return ::syscall(SYS_fsmount, context.get(), FSMOUNT_CLOEXEC, 0); });
  if (mount_fd < 0) return fs_context_error(context.get(), static_cast<int>(-mount_fd), "fsmount overlay");
  return UniqueFd(static_cast<int>(mount_fd));
}

namespace {

// A child that only holds its new user namespace open until `hold` closes;
// killed and reaped on every path out.
class NamespaceHolder {
 public:
  ~NamespaceHolder() {
    hold_.reset();
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }
  Result<> start() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) return fail_errno(errno, "pipe");
    UniqueFd read_end(fds[0]);
    hold_.reset(fds[1]);
    struct clone_args args {};
    args.flags = CLONE_NEWUSER;
    args.exit_signal = SIGCHLD;
    pid_t pid = raw::clone3(&args);
    if (pid < 0) return fail_errno(-pid, "clone a user namespace");
    if (pid == 0) {
      // Allocation-free: wait for the parent to be done, then leave.
      ::close(hold_.get());
      char byte;
      while (::read(read_end.get(), &byte, 1) < 0 && errno == EINTR) {
      }
      ::_exit(0);
    }
    pid_ = pid;
    return {};
  }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  UniqueFd hold_;
};

}  // namespace

Result<UniqueFd> user_namespace_with_maps(const std::string& uid_map, const std::string& gid_map) {
  NamespaceHolder holder;
  WARD_TRY(holder.start());
  std::string proc = "/proc/" + std::to_string(holder.pid());
  WARD_TRY(context(write_file(proc + "/uid_map", uid_map), "uid_map"));
  WARD_TRY(context(write_file(proc + "/gid_map", gid_map), "gid_map"));
  return open(proc + "/ns/user", O_RDONLY | O_CLOEXEC);
}

}  // namespace ward::sys
