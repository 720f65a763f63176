#include "runtime/child/init.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/child/run_hook.h"
#include "runtime/child/credentials.h"
#include "runtime/child/init_process.h"
#include "runtime/child/rootfs.h"
#include "runtime/child/sync.h"
#include "security/apparmor.h"
#include "security/selinux.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

[[noreturn]] void die(int sync_fd, const ChildError& err) noexcept {
  raw::sync_send(sync_fd, SyncType::error, err.code, err.text.c_str());
  ::_exit(1);
}

// Waits for `expected`; on anything else (or the parent's death) exits.
void expect(int sync_fd, SyncType expected) noexcept {
  SyncMessage message;
  int fd = -1;
  int r = raw::sync_recv(sync_fd, &message, &fd);
  if (fd >= 0) ::close(fd);
  if (r < 0 || message.type != expected) ::_exit(1);
}

// After CREATED nobody reads the sync socket: a failure is said on the
// container's stderr, where `start` or `run` shows it.
[[noreturn]] void late_failure(const char* what, int code) noexcept {
  FixedText<256> line;
  line.add("ward-oci: ").add(what).add(": ").add(std::strerror(code)).add("\n");
  sys::raw::write_all(2, line.c_str(), line.size());
  ::_exit(127);
}

// Joins a new anonymous-to-the-host session keyring.  Kernels or user
// namespaces without keyring support (ENOSYS) leave nothing to isolate.
int join_session_keyring(const LaunchPlan& plan, ChildError& err) noexcept {
  if (plan.session_keyring.empty()) return 0;
  // The keyring is created with the process's SELinux label, as under runc.
  if (!plan.selinux_label.empty()) {
    int r = security::raw::selinux_set_attr(security::kSelinuxKeycreateAttr, plan.selinux_label.c_str(),
                                            plan.selinux_label.size());
    if (r < 0) return err.set(r, "process.selinuxLabel: write ", security::kSelinuxKeycreateAttr);
  }
  long serial = sys::raw::join_session_keyring(plan.session_keyring.c_str());
  if (serial == -ENOSYS) return 0;
  if (serial < 0) return err.set(static_cast<int>(serial), "join session keyring ", plan.session_keyring.c_str());
  // The possessor may do everything; the owning user may view, read, write,
  // search and link; group and others nothing.
  constexpr unsigned long kPermissions = 0x3f1f0000UL;
  if (int r = sys::raw::set_keyring_permissions(serial, kPermissions); r < 0)
    return err.set(r, "set session keyring permissions");
  return 0;
}

// The security modules' labels for the program, written to this thread's
// own /proc attributes.  They take effect at the next execve, so they are
// written here, once the rootfs is in place (the container's /proc) and
// before READY, so that a refused profile or label fails `create` with a
// message rather than `start` on stderr.  Also before the uid switch,
// no_new_privs and seccomp (all in exec_process): root may set them, no
// seccomp profile can block the write, and AppArmor accepts the change
// without the no_new_privs subset rule.  startContainer hooks, forked from
// here, run under the same labels, as under runc.
int apply_security_labels(const LaunchPlan& plan, ChildError& err) noexcept {
  if (!plan.apparmor_command.empty()) {
    int r = security::raw::apparmor_change_onexec(plan.apparmor_attr_path.c_str(), plan.apparmor_command.c_str(),
                                                  plan.apparmor_command.size());
    if (r < 0)
      return err.set(r, "process.apparmorProfile: write \"", plan.apparmor_command.c_str(), "\" to ",
                     plan.apparmor_attr_path.c_str());
  }
  if (!plan.selinux_label.empty()) {
    int r = security::raw::selinux_set_attr(security::kSelinuxExecAttr, plan.selinux_label.c_str(),
                                            plan.selinux_label.size());
    if (r < 0)
      return err.set(r, "process.selinuxLabel: write \"", plan.selinux_label.c_str(), "\" to ",
                     security::kSelinuxExecAttr);
  }
  return 0;
}

int join_namespaces(const LaunchPlan& plan, ChildError& err) noexcept {
  for (const auto& join : plan.joins) {
    if (int r = sys::raw::setns(join.fd.get(), join.type); r < 0) return err.set(r, "join namespace ", join.path.c_str());
  }
  return 0;
}

// process.oomScoreAdj.  Having changed its ids, the init is not dumpable,
// and the /proc files of such a process belong to the initial namespace's
// root, which root in a new user namespace is not: it is made dumpable for
// the write only (execve decides again).
int set_oom_score_adj(const LaunchPlan& plan, ChildError& err) noexcept {
  if (plan.oom_score_adj.empty()) return 0;
  int dumpable = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
  if (plan.new_user_namespace) ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  int r =
      sys::raw::write_path(AT_FDCWD, "/proc/self/oom_score_adj", plan.oom_score_adj.c_str(), plan.oom_score_adj.size());
  if (plan.new_user_namespace) ::prctl(PR_SET_DUMPABLE, dumpable > 0 ? dumpable : 0, 0, 0, 0);
  if (r < 0) return err.set(r, "process.oomScoreAdj: write /proc/self/oom_score_adj");
  return 0;
}

// Loads a filter with SCMP_ACT_NOTIFY and hands its fd to ward-oci, which
// passes it on to the listener.  Done while the sync socket is still open
// and the init still holds every capability, so it needs no no_new_privs.
// From here on the profile judges the init's own calls (the listener sees
// them if it asked for them); only the sendmsg below must not wait on the
// listener, which the compiler guarantees.
int send_notify_fd(const LaunchPlan& plan, int sync_fd, ChildError& err) noexcept {
  int notify_fd = security::raw::load_seccomp(plan.seccomp);
  if (notify_fd < 0) return err.set(notify_fd, "linux.seccomp: load the filter");
  int r = raw::sync_send(sync_fd, SyncType::seccomp_fd, 0, nullptr, notify_fd);
  ::close(notify_fd);
  if (r < 0) return err.set(r, "linux.seccomp: send the notify fd to ward-oci");
  return 0;
}

}  // namespace

void container_init(const LaunchPlan& plan, int sync_fd) noexcept {
  ChildError err;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  expect(sync_fd, SyncType::go);
  if (plan.new_user_namespace) {
    int r = raw::set_all_gids(0);
    if (r == 0) r = raw::set_all_uids(0);
    if (r < 0) {
      err.set(r, "become root in the user namespace");
      die(sync_fd, err);
    }
  }
  if (plan.unshare_cgroup_namespace && ::unshare(CLONE_NEWCGROUP) < 0) {
    err.set(errno, "unshare cgroup namespace");
    die(sync_fd, err);
  }
  mode_t inherited_umask = ::umask(0);
  if (raw::apply_rlimits(plan, err) < 0) die(sync_fd, err);
  if (set_oom_score_adj(plan, err) < 0) die(sync_fd, err);
  if (::setsid() < 0) {
    err.set(errno, "setsid");
    die(sync_fd, err);
  }
  if (join_session_keyring(plan, err) < 0) die(sync_fd, err);
  if (plan.has_runtime_hooks) {
    raw::sync_send(sync_fd, SyncType::run_runtime_hooks);
    expect(sync_fd, SyncType::hooks_done);
  }

  int root_fd = -1;
  if (!plan.exec_mode && raw::prepare_rootfs(plan, &root_fd, err) < 0) die(sync_fd, err);
  for (const auto& hook : plan.create_container_hooks) {
    if (raw::run_hook(hook, plan.hook_state_fd.get(), err) < 0) {
      FixedText<3000> text;
      text.add("createContainer ").add(err.text.c_str());
      err.text.clear();
      err.text.add(text.c_str());
      die(sync_fd, err);
    }
  }
  if (!plan.exec_mode) {
    if (raw::enter_rootfs(plan, root_fd, err) < 0) die(sync_fd, err);
    ::close(root_fd);
  } else if (plan.exec_root_fd && raw::chroot_into(plan.exec_root_fd.get(), err) < 0) {
    die(sync_fd, err);
  }
  if (plan.terminal) {
    int master = -1;
    if (raw::setup_console(plan, &master, err) < 0) die(sync_fd, err);
    raw::sync_send(sync_fd, SyncType::console, 0, "/dev/ptmx", master);
    ::close(master);
  }
  if (!plan.exec_mode && raw::finish_rootfs(plan, err) < 0) die(sync_fd, err);
  if (plan.set_hostname && ::sethostname(plan.hostname.c_str(), plan.hostname.size()) < 0) {
    err.set(errno, "hostname: sethostname");
    die(sync_fd, err);
  }
  if (plan.set_domainname && ::setdomainname(plan.domainname.c_str(), plan.domainname.size()) < 0) {
    err.set(errno, "domainname: setdomainname");
    die(sync_fd, err);
  }
  static char executable[PATH_MAX];
  if (raw::find_executable(plan, executable, sizeof(executable), err) < 0) die(sync_fd, err);
  int cwd_fd = sys::raw::open_in_root(AT_FDCWD, plan.cwd.c_str(), O_PATH | O_DIRECTORY);
  if (cwd_fd < 0) {
    err.set(cwd_fd, "process.cwd: ", plan.cwd.c_str());
    die(sync_fd, err);
  }
  int landlock_fd = -1;
  if (plan.landlock.enabled && raw::build_landlock(plan, &landlock_fd, err) < 0) die(sync_fd, err);
  ::umask(plan.umask >= 0 ? static_cast<mode_t>(plan.umask) : inherited_umask);
  const char* scheduling_field = "";
  if (int r = raw::apply_scheduling(plan.scheduling, &scheduling_field); r < 0) {
    err.set(r, scheduling_field);
    die(sync_fd, err);
  }
  if (apply_security_labels(plan, err) < 0) die(sync_fd, err);
  if (plan.has_seccomp && plan.seccomp.has_listener() && send_notify_fd(plan, sync_fd, err) < 0) die(sync_fd, err);

  raw::sync_send(sync_fd, SyncType::ready);
  expect(sync_fd, SyncType::created);
  ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  // `create` must return while the init waits for `start`; `exec` waits
  // until the process is the user's program: its end of the socket is
  // close-on-exec, so ward-oci sees it close at the execve (or the death).
  if (!plan.exec_mode) ::close(sync_fd);

  if (plan.wait_for_start) {
    // Blocks until `ward-oci start` opens the fifo for reading.  Reopened
    // through /proc/self/fd (the container's own /proc, after pivot_root);
    // without a /proc mount, through the state directory.
    FixedText<64> reopen;
    reopen.add("/proc/self/fd/").add(static_cast<long long>(plan.exec_fifo_fd.get()));
    int fifo = static_cast<int>(sys::raw::retry([&] { return ::open(reopen.c_str(), O_WRONLY | O_CLOEXEC); }));
    if (fifo < 0 && errno == ENOENT)
      fifo = static_cast<int>(
          sys::raw::retry([&] { return ::openat(plan.state_dir_fd.get(), "exec.fifo", O_WRONLY | O_CLOEXEC); }));
    if (fifo < 0) late_failure("open exec.fifo", errno);
    if (sys::raw::write_all(fifo, "0", 1) < 0) late_failure("write exec.fifo", errno);
    // Left open: it is close-on-exec, and `start` waits for that close.
  }
  for (const auto& hook : plan.start_container_hooks) {
    if (raw::run_hook(hook, plan.start_state_fd.get(), err) < 0) {
      FixedText<3100> line;
      line.add("ward-oci: startContainer ").add(err.text.c_str()).add("\n");
      sys::raw::write_all(2, line.c_str(), line.size());
      ::_exit(1);
    }
  }
  raw::exec_process(plan, executable, cwd_fd, landlock_fd);
}

void container_stage(const LaunchPlan& plan, int sync_fd) noexcept {
  ChildError err;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  // Joining a running container (CVE-2019-5736): nothing in it may open
  // this process's /proc/PID/exe, the runtime's binary on the host, or
  // ptrace it.  execve of the user's program makes it dumpable again.
  if (plan.exec_mode) ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (join_namespaces(plan, err) < 0) die(sync_fd, err);
  std::uint64_t flags = plan.clone_flags;
  if (!plan.time_offsets.empty()) {
    if (::unshare(CLONE_NEWTIME) < 0) {
      err.set(errno, "unshare time namespace");
      die(sync_fd, err);
    }
    int r = sys::raw::write_path(AT_FDCWD, "/proc/self/timens_offsets", plan.time_offsets.c_str(),
                                 plan.time_offsets.size());
    if (r < 0) {
      err.set(r, "linux.timeOffsets: write /proc/self/timens_offsets");
      die(sync_fd, err);
    }
    flags &= ~static_cast<std::uint64_t>(CLONE_NEWTIME);
  }
  int pidfd = -1;
  struct clone_args args {};
  args.flags = flags | CLONE_PARENT | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  // clone3 refuses an exit signal with CLONE_PARENT: the init inherits the
  // stage's own (SIGCHLD), so ward-oci is notified as for a direct child.
  args.exit_signal = 0;
  pid_t pid = sys::raw::clone3(&args);
  if (pid < 0) {
    err.set(-pid, "clone container init");
    die(sync_fd, err);
  }
  if (pid == 0) container_init(plan, sync_fd);
  raw::sync_send(sync_fd, SyncType::init_pid, pid, nullptr, pidfd);
  ::_exit(0);
}

}  // namespace ward::runtime
