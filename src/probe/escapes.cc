// The escape probes of src/probe/escapes.h: each tries one way out of (or
// through) the container that SPEC sections 2-3 and the seeds name, and
// reports "escape.NAME=blocked" or "escape.NAME=ESCAPED <how>".  A probe
// only opens, creates inside the container or asks the kernel for a
// resource; it never writes to a host file or changes a host setting.
#include "probe/escapes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace ward::probe {

void report(const char* name, bool escaped, const std::string& how) {
  if (escaped)
    std::printf("escape.%s=ESCAPED %s\n", name, how.c_str());
  else
    std::printf("escape.%s=blocked %s\n", name, how.c_str());
}

std::string errno_name(int e) {
  return strerrorname_np(e) ? strerrorname_np(e) : std::to_string(e);
}

}  // namespace ward::probe

namespace {

using ward::probe::report;
std::string err(int e) {
  return ward::probe::errno_name(e);
}

// Opening for writing is the escape; nothing is written.
void probe_open_write(const char* name, const char* path) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    report(name, true, std::string("opened ") + path + " for writing");
  } else {
    report(name, false, std::string(path) + ": " + err(errno));
  }
}

// Runs `fn` in a child so a probe that changes the process (unshare,
// chroot) leaves the reporter untouched.  The child exits 0 on escape.
template <class F>
bool in_child(F fn, std::string* how) {
  int pipefd[2];
  if (::pipe(pipefd) < 0) return false;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    std::string detail;
    bool escaped = fn(&detail);
    (void)!::write(pipefd[1], detail.data(), detail.size());
    ::_exit(escaped ? 0 : 1);
  }
  ::close(pipefd[1]);
  char buffer[512];
  ssize_t n = ::read(pipefd[0], buffer, sizeof(buffer));
  ::close(pipefd[0]);
  if (n > 0) how->assign(buffer, static_cast<size_t>(n));
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void probe_mount() {
  ::mkdir("/dev/ward-probe-mnt", 0700);
  if (::mount("none", "/dev/ward-probe-mnt", "tmpfs", 0, "size=4k") == 0) {
    ::umount("/dev/ward-probe-mnt");
    report("mount", true, "mounted a tmpfs");
  } else {
    report("mount", false, err(errno));
  }
  ::rmdir("/dev/ward-probe-mnt");
}

void probe_mknod() {
  if (::mknod("/dev/ward-probe-sda", S_IFBLK | 0600, makedev(8, 0)) == 0) {
    ::unlink("/dev/ward-probe-sda");
    report("mknod", true, "made block device 8:0");
  } else {
    report("mknod", false, err(errno));
  }
}

void probe_module() {
  long r = ::syscall(SYS_init_module, nullptr, 0, "");
  // Without CAP_SYS_MODULE (or under seccomp) the answer is EPERM; any
  // other answer means the kernel looked at the module.
  ward::probe::report_capability_gate("module", r, errno, "init_module");
}

void probe_keyctl() {
  long r = ::syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -4 /* user keyring */, 0);
  report("keyctl", r >= 0, r >= 0 ? "reached the user keyring" : err(errno));
}

void probe_bpf() {
  bpf_attr attr{};
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  long fd = ::syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
  if (fd >= 0) ::close(static_cast<int>(fd));
  report("bpf", fd >= 0, fd >= 0 ? "created a BPF map" : err(errno));
}

void probe_perf() {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof(attr);
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.exclude_kernel = 1;
  long fd = ::syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd >= 0) ::close(static_cast<int>(fd));
  report("perf", fd >= 0, fd >= 0 ? "opened a perf event" : err(errno));
}

void probe_userns() {
  std::string how;
  bool escaped = in_child(
      [](std::string* detail) {
        if (::unshare(CLONE_NEWUSER) == 0) {
          *detail = "created a user namespace";
          return true;
        }
        *detail = err(errno);
        return false;
      },
      &how);
  report("userns", escaped, how);
}

void probe_raw_socket() {
  int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd >= 0) ::close(fd);
  report("raw_socket", fd >= 0, fd >= 0 ? "opened an AF_INET raw socket" : err(errno));
  fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd >= 0) ::close(fd);
  report("packet_socket", fd >= 0, fd >= 0 ? "opened an AF_PACKET socket" : err(errno));
}

void probe_open_by_handle() {
  // "Shocker": a file handle for "/" opened without path resolution.
  struct {
    file_handle handle;
    unsigned char bytes[128];
  } buffer{};
  buffer.handle.handle_bytes = sizeof(buffer.bytes);
  int mount_id = 0;
  if (::name_to_handle_at(AT_FDCWD, "/", &buffer.handle, &mount_id, 0) < 0) {
    report("open_by_handle", false, "name_to_handle_at: " + err(errno));
    return;
  }
  int root = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = ::open_by_handle_at(root, &buffer.handle, O_RDONLY | O_CLOEXEC);
  int saved = errno;
  ::close(root);
  if (fd >= 0) ::close(fd);
  report("open_by_handle", fd >= 0, fd >= 0 ? "opened a file by handle" : err(saved));
}

void probe_chroot_breakout() {
  struct stat before;
  ::stat("/", &before);
  std::string how;
  bool escaped = in_child(
      [&](std::string* detail) {
        ::mkdir("/dev/ward-probe-jail", 0700);
        if (::chroot("/dev/ward-probe-jail") < 0) {
          *detail = "chroot: " + err(errno);
          return false;
        }
        for (int i = 0; i < 64; ++i) (void)!::chdir("..");
        (void)!::chroot(".");
        struct stat after;
        ::stat("/", &after);
        bool out = after.st_dev != before.st_dev || after.st_ino != before.st_ino;
        *detail = out ? "reached a root outside the container's" : "stayed in the container's root";
        return out;
      },
      &how);
  ::rmdir("/dev/ward-probe-jail");
  report("chroot_breakout", escaped, how);
}

void probe_release_agent() {
  // CVE-2022-0492: a writable release_agent of a v1 hierarchy.  Try the
  // visible ones, then a fresh mount of one.
  const char* controllers[] = {"memory", "pids", "cpu", "devices", "freezer", "rdma", "blkio"};
  for (const char* controller : controllers) {
    std::string path = std::string("/sys/fs/cgroup/") + controller + "/release_agent";
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      report("release_agent", true, "opened " + path + " for writing");
      return;
    }
  }
  ::mkdir("/dev/ward-probe-cg", 0700);
  for (const char* controller : controllers) {
    if (::mount("cgroup", "/dev/ward-probe-cg", "cgroup", 0, controller) == 0) {
      int fd = ::open("/dev/ward-probe-cg/release_agent", O_WRONLY | O_CLOEXEC);
      if (fd >= 0) ::close(fd);
      ::umount("/dev/ward-probe-cg");
      ::rmdir("/dev/ward-probe-cg");
      report("release_agent", fd >= 0,
             std::string("mounted cgroup ") + controller +
                 (fd >= 0 ? ", release_agent writable" : ", release_agent read-only"));
      return;
    }
  }
  int saved = errno;
  ::rmdir("/dev/ward-probe-cg");
  report("release_agent", false, "no writable release_agent; mount cgroup: " + err(saved));
}

void probe_sysfs() {
  const char* candidates[] = {"/sys/kernel/mm/ksm/run", "/sys/kernel/profiling", "/sys/power/state",
                              "/sys/kernel/uevent_helper", "/sys/module/printk/parameters/time"};
  for (const char* path : candidates) {
    if (::access(path, F_OK) == 0) {
      probe_open_write("sysfs", path);
      return;
    }
  }
  report("sysfs", false, "no candidate file present");
}

void probe_sysrq() {
  if (::access("/proc/sysrq-trigger", F_OK) != 0) {
    // The kernel has no sysrq, or the path is masked to nothing.
    report("sysrq", false, "/proc/sysrq-trigger: " + err(errno));
    return;
  }
  probe_open_write("sysrq", "/proc/sysrq-trigger");
}

}  // namespace

namespace ward::probe {

void run_escape_probes() {
  probe_sysrq();
  probe_open_write("proc_sys", "/proc/sys/vm/drop_caches");
  probe_open_write("proc_sys_kernel", "/proc/sys/kernel/core_pattern");
  probe_sysfs();
  probe_mount();
  probe_mknod();
  probe_module();
  probe_keyctl();
  probe_bpf();
  probe_perf();
  probe_userns();
  probe_raw_socket();
  probe_open_by_handle();
  probe_chroot_breakout();
  probe_release_agent();
  run_kernel_surface_probes();
}

}  // namespace ward::probe
