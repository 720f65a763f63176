// Probes of the kernel's attack surface and of ward's own fences: calls a
// container has no business making (io_uring, userfaultfd, the kernel log,
// kernel addresses, kexec, swap, process accounting, the new mount API),
// removing a mask by unmounting it, and raising its own cgroup limits.
// Like escapes.cc, a probe never changes a host setting: every call is made
// so that, when allowed, it fails later on a missing file or a bad flag.
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/mount.h>
#include <linux/userfaultfd.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "probe/escapes.h"

namespace ward::probe {
namespace {

void probe_io_uring() {
  io_uring_params params{};
  long fd = ::syscall(SYS_io_uring_setup, 1, &params);
  int saved = errno;
  if (fd >= 0) ::close(static_cast<int>(fd));
  report("io_uring", fd >= 0, fd >= 0 ? "set up an io_uring instance" : errno_name(saved));
}

void probe_userfaultfd() {
  // UFFD_USER_MODE_ONLY needs no capability: only seccomp stands between
  // the container and userfaultfd, a favourite of kernel exploits.
  long fd = ::syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
  int saved = errno;
  if (fd >= 0) ::close(static_cast<int>(fd));
  report("userfaultfd", fd >= 0, fd >= 0 ? "created a userfaultfd" : errno_name(saved));
}

void probe_syslog() {
  // SYSLOG_ACTION_SIZE_BUFFER: reading the kernel log's size needs the
  // same permission as reading the log.
  int r = ::klogctl(10, nullptr, 0);
  int saved = errno;
  report("syslog", r >= 0, r >= 0 ? "reached the kernel log" : "syslog: " + errno_name(saved));
}

void probe_kallsyms() {
  std::ifstream file("/proc/kallsyms");
  std::string address;
  if (!(file >> address)) {
    report("kallsyms", false, "/proc/kallsyms unreadable");
    return;
  }
  bool leaked = address.find_first_not_of('0') != std::string::npos;
  report("kallsyms", leaked, leaked ? "kernel symbol addresses visible" : "addresses hidden");
}

void probe_kexec() {
  // Flag 0x100 is not a kexec flag: past the capability check the kernel
  // answers EINVAL without loading or unloading anything.
  long r = ::syscall(SYS_kexec_load, 0UL, 0UL, nullptr, 0x100UL);
  report_capability_gate("kexec", r, errno, "kexec_load");
}

void probe_swapon() {
  int r = ::swapon("/ward-probe-no-such-swap", 0);
  report_capability_gate("swapon", r, errno, "swapon");
}

void probe_acct() {
  int r = ::acct("/ward-probe-no-such-file");
  report_capability_gate("acct", r, errno, "acct");
}

void probe_mount_api() {
  long fd = ::syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  int saved = errno;
  if (fd >= 0) ::close(static_cast<int>(fd));
  report("mount_api", fd >= 0, fd >= 0 ? "fsopen(tmpfs) gave a filesystem context" : "fsopen: " + errno_name(saved));
}

bool is_mount_point(const std::string& path) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mountinfo, line)) {
    // Field 5 is the mount point.
    std::size_t start = 0;
    for (int field = 0; field < 4 && start != std::string::npos; ++field) start = line.find(' ', start + 1);
    if (start == std::string::npos) continue;
    std::size_t end = line.find(' ', start + 1);
    if (line.compare(start + 1, end - start - 1, path) == 0) return true;
  }
  return false;
}

// Removing a mask (or any mount) by unmounting it; run last, since it
// changes the container's own mount table when it succeeds.
void probe_unmask() {
  const char* candidates[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/sys/firmware",
                              "/proc/acpi",  "/proc/scsi", "/proc/sys",        "/dev/mqueue",       "/dev/shm"};
  for (const char* path : candidates) {
    if (!is_mount_point(path)) continue;
    int r = ::umount2(path, MNT_DETACH);
    int saved = errno;
    report("unmask", r == 0, std::string("umount ") + path + ": " + (r == 0 ? "unmounted" : errno_name(saved)));
    return;
  }
  report("unmask", false, "no candidate mount");
}

// The container raising its own limits: any writable limit file of its
// cgroup (v1 or v2 layout).  Opening is the escape; nothing is written.
void probe_cgroup_limits() {
  const char* candidates[] = {"/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes",
                              "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/pids.max",
                              "/sys/fs/cgroup/memory.max"};
  std::string tried;
  for (const char* path : candidates) {
    if (::access(path, F_OK) != 0) continue;
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::close(fd);
      report("cgroup_limits", true, std::string("opened ") + path + " for writing");
      return;
    }
    tried += std::string(tried.empty() ? "" : ", ") + path + ": " + errno_name(errno);
  }
  report("cgroup_limits", false, tried.empty() ? "no limit file visible" : tried);
}

}  // namespace

// A call the kernel refuses with EPERM unless the caller holds a
// capability; any other answer means the capability check passed, except
// ENOSYS: a kernel built without the call (CONFIG_MODULES=n, no kexec)
// has nothing to get through to.
void report_capability_gate(const char* name, long result, int saved_errno, const char* call) {
  if (result < 0 && saved_errno == ENOSYS) {
    report(name, false, std::string(call) + ": ENOSYS (not in this kernel)");
    return;
  }
  bool escaped = result >= 0 || saved_errno != EPERM;
  report(name, escaped, std::string(call) + ": " + (result >= 0 ? "succeeded" : errno_name(saved_errno)));
}

void run_kernel_surface_probes() {
  probe_io_uring();
  probe_userfaultfd();
  probe_syslog();
  probe_kallsyms();
  probe_kexec();
  probe_swapon();
  probe_acct();
  probe_mount_api();
  probe_cgroup_limits();
  probe_unmask();
}

}  // namespace ward::probe
