// ward-checker: a static program the integration tests copy into a bundle's
// rootfs.  It reports what a process inside the container sees, one
// "key=value" line per fact, so tests compare facts instead of parsing
// busybox output.
//
//   ward-checker report            ids, umask, caps, NNP, namespaces, rlimits, cwd, hostname
//   ward-checker fds               every open fd and its target
//   ward-checker try-write PATH    "write PATH=ok" or "=<errno name>"
//   ward-checker try-open PATH     "open PATH=ok" or "=<errno name>" (read-only)
//   ward-checker exit N            exits with status N
//   ward-checker signal-self N     kills itself with signal N
//   ward-checker sleep SECONDS     sleeps (for lifecycle tests)
//   ward-checker alloc MIB [SECS]  allocates and touches MIB mebibytes (then holds them SECS seconds)
//   ward-checker forkbomb N        forks N children: forked=X failed=Y
//   ward-checker escapes           tries every escape (src/probe/escapes.cc): escape.NAME=blocked|ESCAPED
//   ward-checker personality N     calls personality(N): "personality N=ok" or "=<errno name>"
//   ward-checker ping-socket       opens an ICMP datagram socket: "ping_socket=ok" or "=<errno name>"
//   ward-checker device c|b MAJOR MINOR PATH
//                                  replaces PATH by a new device node and opens it read-write:
//                                  "mknod=ok|<errno name>" and "open=ok|<errno name>"
//   ward-checker try-exec PATH     execve(PATH, [PATH, "true"]) in a child: "exec PATH=ok" or "=<errno name>"
//   ward-checker try-bind PORT     binds a TCP socket to 0.0.0.0:PORT: "bind PORT=ok" or "=<errno name>"
//   ward-checker xattr PATH NAME   "xattr PATH NAME=<value>" or "=<errno name>" (not following a symlink)
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "probe/escapes.h"

namespace {

std::string read_link(const std::string& path) {
  char buffer[4096];
  ssize_t n = ::readlink(path.c_str(), buffer, sizeof(buffer) - 1);
  if (n < 0) return std::string("error:") + std::strerror(errno);
  return std::string(buffer, static_cast<size_t>(n));
}

void report_status_fields() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    for (const char* key : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Groups"}) {
      std::string prefix = std::string(key) + ":";
      if (line.rfind(prefix, 0) == 0) {
        std::string value = line.substr(prefix.size());
        value.erase(0, value.find_first_not_of(" \t"));
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
        std::printf("%s=%s\n", key, value.c_str());
      }
    }
  }
}

int report() {
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  ::getresuid(&ruid, &euid, &suid);
  ::getresgid(&rgid, &egid, &sgid);
  std::printf("uid=%u\neuid=%u\ngid=%u\negid=%u\n", ruid, euid, rgid, egid);
  mode_t mask = ::umask(0);
  ::umask(mask);
  std::printf("umask=%04o\n", mask);
  report_status_fields();
  for (const char* ns : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"})
    std::printf("ns.%s=%s\n", ns, read_link(std::string("/proc/self/ns/") + ns).c_str());
  struct rlimit nofile, nproc;
  ::getrlimit(RLIMIT_NOFILE, &nofile);
  ::getrlimit(RLIMIT_NPROC, &nproc);
  std::printf("rlimit.nofile=%llu:%llu\n", static_cast<unsigned long long>(nofile.rlim_cur),
              static_cast<unsigned long long>(nofile.rlim_max));
  std::printf("rlimit.nproc=%llu:%llu\n", static_cast<unsigned long long>(nproc.rlim_cur),
              static_cast<unsigned long long>(nproc.rlim_max));
  char cwd[4096];
  std::printf("cwd=%s\n", ::getcwd(cwd, sizeof(cwd)) ? cwd : "?");
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  std::printf("hostname=%s\n", host);
  char domain[256] = {};
  ::getdomainname(domain, sizeof(domain) - 1);
  std::printf("domainname=%s\n", domain);
  std::printf("pid=%d\n", ::getpid());
  std::printf("oom_score_adj=");
  std::fflush(stdout);
  std::ifstream oom("/proc/self/oom_score_adj");
  std::string value;
  oom >> value;
  std::printf("%s\n", value.c_str());
  const char* home = std::getenv("HOME");
  std::printf("env.HOME=%s\n", home ? home : "");
  // Scheduling: policy number, static priority, nice, I/O priority
  // (class << 13 | level), execution domain.
  sched_param param{};
  ::sched_getparam(0, &param);
  std::printf("sched.policy=%d\nsched.priority=%d\n", ::sched_getscheduler(0), param.sched_priority);
  errno = 0;
  std::printf("nice=%d\n", ::getpriority(PRIO_PROCESS, 0));
  std::printf("ioprio=%ld\n", ::syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
  std::printf("personality=0x%x\n", static_cast<unsigned>(::personality(0xffffffff)));
  return 0;
}

int list_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 1;
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    int fd = std::atoi(entry->d_name);
    if (fd == own) continue;
    std::printf("fd.%d=%s\n", fd, read_link(std::string("/proc/self/fd/") + entry->d_name).c_str());
  }
  ::closedir(dir);
  return 0;
}

int try_write(const char* path) {
  int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::printf("write %s=%s\n", path, strerrorname_np(errno));
    return 0;
  }
  bool ok = ::write(fd, "x", 1) == 1;
  int saved = errno;
  ::close(fd);
  std::printf("write %s=%s\n", path, ok ? "ok" : strerrorname_np(saved));
  return 0;
}

// Calls that ward's default seccomp profile refuses, each with arguments
// the kernel would reject for another reason (EFAULT, EINVAL) if the call
// got through: EPERM means the filter stopped it.
int try_syscalls() {
  auto report = [](const char* name, long r) {
    std::printf("sys.%s=%s\n", name, r < 0 ? strerrorname_np(errno) : "ok");
  };
  report("keyctl", ::syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
  report("add_key", ::syscall(SYS_add_key, nullptr, nullptr, nullptr, 0, 0));
  report("request_key", ::syscall(SYS_request_key, nullptr, nullptr, nullptr, 0));
  report("userfaultfd", ::syscall(SYS_userfaultfd, ~0));
  report("perf_event_open", ::syscall(SYS_perf_event_open, nullptr, 0, -1, -1, 0));
  report("io_uring_setup", ::syscall(SYS_io_uring_setup, 0, nullptr));
  report("unshare_user", ::syscall(SYS_unshare, 0x10000000 /* CLONE_NEWUSER */));
  report("unshare_net", ::syscall(SYS_unshare, 0x40000000 /* CLONE_NEWNET */));
  report("setns", ::syscall(SYS_setns, -1, 0));
  return 0;
}

// mknod and open both pass the device controller (access "m", then "rw").
int try_device(const char* type, const char* major, const char* minor, const char* path) {
  ::unlink(path);
  mode_t kind = type[0] == 'b' ? S_IFBLK : S_IFCHR;
  dev_t device = makedev(std::strtoul(major, nullptr, 10), std::strtoul(minor, nullptr, 10));
  int made = ::mknod(path, kind | 0600, device);
  std::printf("mknod=%s\n", made == 0 ? "ok" : strerrorname_np(errno));
  int fd = ::open(path, O_RDWR | O_CLOEXEC);
  std::printf("open=%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
  if (fd >= 0) ::close(fd);
  ::unlink(path);
  return 0;
}

// execve in a child, whose errno comes back through a close-on-exec pipe:
// an empty pipe means the execve worked.
int try_exec(const char* path) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) < 0) return 1;
  pid_t pid = ::fork();
  if (pid == 0) {
    char* const args[] = {const_cast<char*>(path), const_cast<char*>("true"), nullptr};
    ::execv(path, args);
    int code = errno;
    (void)!::write(pipe_fds[1], &code, sizeof(code));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  int code = 0;
  bool failed = ::read(pipe_fds[0], &code, sizeof(code)) == sizeof(code);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::printf("exec %s=%s\n", path, failed ? strerrorname_np(code) : "ok");
  return 0;
}

int try_bind(const char* port_text) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::printf("bind %s=%s\n", port_text, strerrorname_np(errno));
    return 0;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(port_text)));
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  int r = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  std::printf("bind %s=%s\n", port_text, r < 0 ? strerrorname_np(errno) : "ok");
  ::close(fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string verb = argc > 1 ? argv[1] : "report";
  if (verb == "report") return report();
  if (verb == "fds") return list_fds();
  if (verb == "try-write" && argc == 3) return try_write(argv[2]);
  if (verb == "try-open" && argc == 3) {
    int fd = ::open(argv[2], O_RDONLY | O_CLOEXEC);
    std::printf("open %s=%s\n", argv[2], fd >= 0 ? "ok" : strerrorname_np(errno));
    if (fd >= 0) ::close(fd);
    return 0;
  }
  if (verb == "xattr" && argc == 4) {
    char value[256];
    ssize_t n = ::lgetxattr(argv[2], argv[3], value, sizeof(value) - 1);
    if (n >= 0) value[n] = '\0';
    std::printf("xattr %s %s=%s\n", argv[2], argv[3], n < 0 ? strerrorname_np(errno) : value);
    return 0;
  }
  if (verb == "try-exec" && argc == 3) return try_exec(argv[2]);
  if (verb == "try-bind" && argc == 3) return try_bind(argv[2]);
  if (verb == "exit" && argc == 3) return std::atoi(argv[2]);
  if (verb == "signal-self" && argc == 3) {
    int sig = std::atoi(argv[2]);
    ::signal(sig, SIG_DFL);
    ::kill(::getpid(), sig);
    ::pause();
  }
  if (verb == "syscalls") return try_syscalls();
  if (verb == "escapes") {
    ward::probe::run_escape_probes();
    return 0;
  }
  if (verb == "ping-socket") {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
    std::printf("ping_socket=%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
    if (fd >= 0) ::close(fd);
    return 0;
  }
  if (verb == "personality" && argc == 3) {
    long r = ::syscall(SYS_personality, std::strtoul(argv[2], nullptr, 0));
    std::printf("personality %s=%s\n", argv[2], r < 0 ? strerrorname_np(errno) : "ok");
    return 0;
  }
  if (verb == "device" && argc == 6) return try_device(argv[2], argv[3], argv[4], argv[5]);
  if (verb == "forkbomb" && argc == 3) {
    // Forks up to N sleeping children, reports how many forks worked,
    // then kills them.
    int want = std::atoi(argv[2]), forked = 0, failed = 0;
    std::vector<pid_t> children;
    for (int i = 0; i < want; ++i) {
      pid_t pid = ::fork();
      if (pid == 0) {
        ::pause();
        ::_exit(0);
      }
      if (pid < 0) {
        ++failed;
      } else {
        ++forked;
        children.push_back(pid);
      }
    }
    std::printf("forked=%d\nfailed=%d\n", forked, failed);
    for (pid_t pid : children) ::kill(pid, SIGKILL);
    while (::wait(nullptr) > 0) {
    }
    return 0;
  }
  if (verb == "alloc" && (argc == 3 || argc == 4)) {
    // Allocates and touches N MiB, one MiB at a time, then reports.
    long mib = std::atol(argv[2]);
    for (long i = 0; i < mib; ++i) {
      char* block = static_cast<char*>(std::malloc(1 << 20));
      if (block == nullptr) return 3;
      std::memset(block, 1, 1 << 20);
    }
    std::printf("allocated=%ld\n", mib);
    std::fflush(stdout);
    if (argc == 4) ::sleep(static_cast<unsigned>(std::atoi(argv[3])));
    return 0;
  }
  if (verb == "sleep" && argc == 3) {
    ::sleep(static_cast<unsigned>(std::atoi(argv[2])));
    return 0;
  }
  std::fprintf(stderr, "ward-checker: unknown command %s\n", verb.c_str());
  return 2;
}
