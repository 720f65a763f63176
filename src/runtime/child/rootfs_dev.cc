#include "runtime/child/rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/child/rootfs_internal.h"
#include "util/sys.h"

// /dev inside the container: configured device nodes (mknod, or bind mounts
// of the host's nodes in a user namespace), the standard /dev symlinks, and
// the console.

namespace ward::runtime::raw {

using sys::raw::open_in_root;

int copy_path(char* out, size_t size, const char* path) noexcept {
  size_t n = std::strlen(path);
  if (n + 1 > size) return -ENAMETOOLONG;
  std::memcpy(out, path, n + 1);
  return 0;
}

// Splits "/a/b/c" into parent "/a/b" (in `parent`) and name "c".
int split_parent(const char* path, char* parent, size_t size, const char** name) noexcept {
  if (int r = copy_path(parent, size, path); r < 0) return r;
  size_t n = std::strlen(parent);
  while (n > 1 && parent[n - 1] == '/') parent[--n] = '\0';
  char* slash = std::strrchr(parent, '/');
  if (slash == nullptr) {
    *name = path;
    parent[0] = '/';
    parent[1] = '\0';
    return 0;
  }
  *name = path + (slash - parent) + 1;
  if (slash == parent)
    parent[1] = '\0';
  else
    *slash = '\0';
  return 0;
}

namespace {

int create_device(int root_fd, const LaunchPlan& plan, const DeviceNode& node, ChildError& err) noexcept {
  const char* path = node.path.c_str();
  char parent[PATH_MAX];
  const char* name = nullptr;
  if (int r = split_parent(path, parent, sizeof(parent), &name); r < 0) return err.set(r, "device ", path);
  int dir = mkdir_all_in_root(root_fd, parent, err);
  if (dir < 0) return dir;
  if (plan.bind_devices) {
    // mknod is not allowed in a user namespace: bind the host's node.
    int file = static_cast<int>(
        sys::raw::retry([&] { return ::openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644); }));
    ::close(dir);
    if (file < 0) return err.set(file, "device ", path, ": create mount point");
    ::close(file);
    int target = open_in_root(root_fd, path, O_PATH);
    if (target < 0) return err.set(target, "device ", path, ": resolve");
    int source = static_cast<int>(sys::raw::retry([&] { return ::open(path, O_PATH | O_CLOEXEC); }));
    if (source < 0) {
      ::close(target);
      return err.set(source, "device ", path, ": open host node");
    }
    int r = sys::raw::bind_fd_on_fd(source, target, false);
    ::close(source);
    ::close(target);
    if (r < 0) return err.set(r, "device ", path, ": bind host node");
    return 0;
  }
  ::unlinkat(dir, name, 0);
  if (::mknodat(dir, name, node.mode, node.device) < 0) {
    int e = errno;
    ::close(dir);
    return err.set(e, "mknod ", path);
  }
  if (::fchownat(dir, name, node.uid, node.gid, AT_SYMLINK_NOFOLLOW) < 0) {
    int e = errno;
    ::close(dir);
    return err.set(e, "chown ", path);
  }
  ::close(dir);
  return 0;
}

}  // namespace

int setup_dev(int root_fd, const LaunchPlan& plan, ChildError& err) noexcept {
  for (const auto& node : plan.devices)
    if (int r = create_device(root_fd, plan, node, err); r < 0) return r;
  if (!plan.setup_dev) return 0;
  int dev = mkdir_all_in_root(root_fd, "/dev", err);
  if (dev < 0) return dev;
  struct Link {
    const char* target;
    const char* name;
  };
  static constexpr Link kLinks[] = {{"/proc/self/fd", "fd"},
                                    {"/proc/self/fd/0", "stdin"},
                                    {"/proc/self/fd/1", "stdout"},
                                    {"/proc/self/fd/2", "stderr"}};
  for (const auto& link : kLinks) {
    if (::symlinkat(link.target, dev, link.name) < 0 && errno != EEXIST) {
      int e = errno;
      ::close(dev);
      return err.set(e, "symlink /dev/", link.name);
    }
  }
  if (plan.has_dev_pts) {
    ::unlinkat(dev, "ptmx", 0);
    if (::symlinkat("pts/ptmx", dev, "ptmx") < 0) {
      int e = errno;
      ::close(dev);
      return err.set(e, "symlink /dev/ptmx");
    }
  }
  ::close(dev);
  return 0;
}

int setup_console(const LaunchPlan& plan, int* master_out, ChildError& err) noexcept {
  int master = static_cast<int>(sys::raw::retry([] { return ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC); }));
  if (master < 0) return err.set(master, "console: open /dev/ptmx");
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) < 0) {
    int e = errno;
    ::close(master);
    return err.set(e, "console: unlock pty");
  }
  int peer = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) {
    int e = errno;
    ::close(master);
    return err.set(e, "console: open pty peer");
  }
  if (plan.console_rows != 0 || plan.console_cols != 0) {
    struct winsize size {};
    size.ws_row = plan.console_rows;
    size.ws_col = plan.console_cols;
    ::ioctl(master, TIOCSWINSZ, &size);
  }
  int r = 0;
  // /dev/console belongs to the container's first process, not to an exec.
  if (!plan.exec_mode) {
    int root = root_fd_now(err);
    if (root < 0) {
      ::close(master);
      ::close(peer);
      return root;
    }
    int console = ensure_mount_point(root, "/dev/console", true, err);
    ::close(root);
    if (console < 0) {
      r = console;
    } else {
      int b = sys::raw::bind_fd_on_fd(peer, console, false);
      ::close(console);
      if (b < 0) r = err.set(b, "console: bind /dev/console");
    }
  }
  if (r == 0 && ::ioctl(peer, TIOCSCTTY, 0) < 0) r = err.set(errno, "console: set controlling terminal");
  if (r == 0) {
    for (int stdio = 0; stdio < 3; ++stdio) {
      if (::dup2(peer, stdio) < 0) {
        r = err.set(errno, "console: dup2");
        break;
      }
    }
  }
  ::close(peer);
  if (r < 0) {
    ::close(master);
    return r;
  }
  *master_out = master;
  return 0;
}

}  // namespace ward::runtime::raw
