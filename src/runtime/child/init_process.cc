// The init's last steps before the user's program: argv[0] looked up in
// the container, rlimits, the Landlock ruleset, and exec_process, which
// drops to the process's user and capabilities, sets no_new_privs, loads
// seccomp and execs.  Async-signal-safe and allocation-free, like init.cc.

#include "oci/capability_names.h"
#include "runtime/child/init_process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/child/credentials.h"
#include "security/capabilities.h"
#include "security/landlock.h"
#include "security/seccomp.h"
#include "util/sys.h"

namespace ward::runtime {

namespace {

// The process's groups, uid/gid and capability sets, in the order that
// keeps the capabilities the switch needs until the end.
int switch_user(const LaunchPlan& plan, ChildError& err) noexcept {
  if (plan.set_capabilities) {
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return err.set(errno, "prctl keepcaps");
    if (int r = security::raw::drop_bounding_set(plan.capabilities); r < 0)
      return err.set(r, "process.capabilities.bounding: drop");
  }
  if (plan.set_groups) {
    if (int r = raw::set_groups(plan.additional_gids.size(), plan.additional_gids.data()); r < 0)
      return err.set(r, "process.user.additionalGids: setgroups");
  }
  if (int r = raw::set_all_gids(plan.gid); r < 0)
    return err.set(r, "process.user.gid: setgid ", static_cast<long long>(plan.gid));
  if (int r = raw::set_all_uids(plan.uid); r < 0)
    return err.set(r, "process.user.uid: setuid ", static_cast<long long>(plan.uid));
  if (plan.set_capabilities) {
    int failed = -1;
    if (int r = security::raw::apply_capabilities(plan.capabilities, &failed); r < 0) {
      if (failed >= 0) {
        const char* name = oci::capability_name(failed);
        return err.set(r, "process.capabilities.ambient: raise ", name ? name : "?");
      }
      return err.set(r, "process.capabilities: capset");
    }
    ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  }
  return 0;
}

}  // namespace

namespace raw {

// Finds argv[0] the way execvp would, inside the container, so that a
// missing binary is reported by `create` rather than lost after `start`.
int find_executable(const LaunchPlan& plan, char* out, size_t size, ChildError& err) noexcept {
  const char* name = plan.argv.items.empty() ? "" : plan.argv.items[0].c_str();
  if (name[0] == '\0') return err.set(EINVAL, "process.args: empty command");
  if (std::strchr(name, '/') != nullptr) {
    size_t n = std::strlen(name);
    if (n + 1 > size) return err.set(ENAMETOOLONG, "exec ", name);
    std::memcpy(out, name, n + 1);
    if (::faccessat(AT_FDCWD, out, X_OK, 0) < 0) return err.set(errno, "exec ", name);
    return 0;
  }
  const char* path = plan.path_env.c_str();
  while (*path != '\0') {
    const char* end = std::strchr(path, ':');
    size_t dir_len = end ? static_cast<size_t>(end - path) : std::strlen(path);
    size_t name_len = std::strlen(name);
    if (dir_len + 1 + name_len + 1 <= size) {
      if (dir_len == 0) {
        out[0] = '.';
        dir_len = 1;
      } else {
        std::memcpy(out, path, dir_len);
      }
      out[dir_len] = '/';
      std::memcpy(out + dir_len + 1, name, name_len + 1);
      struct stat st;
      if (::stat(out, &st) == 0 && S_ISREG(st.st_mode) && ::faccessat(AT_FDCWD, out, X_OK, 0) == 0) return 0;
    }
    if (end == nullptr) break;
    path = end + 1;
  }
  return err.set(ENOENT, "exec: \"", name, "\": executable file not found in $PATH");
}

int apply_rlimits(const LaunchPlan& plan, ChildError& err) noexcept {
  for (const auto& limit : plan.rlimits) {
    if (::prlimit(0, static_cast<__rlimit_resource>(limit.resource), &limit.value, nullptr) < 0)
      return err.set(errno, "process.rlimits: set ", limit.name.c_str());
  }
  return 0;
}

// Builds process.landlock's ruleset inside the container's root, before
// READY, so that a missing rule path fails `create` with the rule's field.
int build_landlock(const LaunchPlan& plan, int* ruleset_fd, ChildError& err) noexcept {
  const char* field = nullptr;
  const char* path = nullptr;
  int fd = security::raw::landlock_build(plan.landlock, &field, &path);
  if (fd >= 0) {
    *ruleset_fd = fd;
    return 0;
  }
  if (field == nullptr) return err.set(fd, "process.landlock: create the ruleset");
  if (path == nullptr) return err.set(fd, field, ": add the rule");
  if (fd == -EINVAL)
    return err.set(fd, field, ": ", path,
                   " (a rule on a file may allow only execute, write_file, read_file, truncate and ioctl_dev)");
  return err.set(fd, field, ": ", path);
}

[[noreturn]] void exec_process(const LaunchPlan& plan, const char* executable, int cwd_fd,
                               int landlock_fd) noexcept {
  ChildError err;
  int r = 0;
  // Nothing but stdio and the preserved fds may cross into the container
  // (CVE-2024-21626): everything else is marked close-on-exec.  First, so
  // that a seccomp profile without close_range cannot stop it.
  unsigned first = 3 + static_cast<unsigned>(plan.preserve_fds);
  if (int c = sys::raw::close_range(first, ~0U, CLOSE_RANGE_CLOEXEC); c < 0) r = err.set(c, "close_range");
  // Landlock next.  landlock_restrict_self needs no_new_privs or
  // CAP_SYS_ADMIN, and only the latter is certain here: no_new_privs comes
  // later and may be off, and the uid switch may drop CAP_SYS_ADMIN.  And
  // before any seccomp filter, so that a profile refusing landlock_* cannot
  // stop it.  Nothing below opens a file, so the ruleset judges only the
  // container's program (its execve included).
  if (r == 0 && landlock_fd >= 0) {
    if (int l = security::raw::landlock_enforce(landlock_fd); l < 0)
      r = err.set(l, "process.landlock: landlock_restrict_self");
    ::close(landlock_fd);
  }
  // A filter with a listener is loaded already (before READY).
  bool load_here = plan.has_seccomp && !plan.seccomp.has_listener();
  // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the
  // uid switch may drop: load it first (the profile then sees setuid,
  // capset and execve, as under runc).
  if (r == 0 && load_here && !plan.no_new_privileges) {
    if (int s = security::raw::load_seccomp(plan.seccomp); s < 0) r = err.set(s, "linux.seccomp: load the filter");
  }
  if (r == 0) r = switch_user(plan, err);
  if (r == 0 && plan.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    r = err.set(errno, "process.noNewPrivileges");
  if (r == 0 && ::fchdir(cwd_fd) < 0) r = err.set(errno, "process.cwd: chdir ", plan.cwd.c_str());
  // With no_new_privs the filter goes last, so it judges only the
  // container's own calls.
  if (r == 0 && load_here && plan.no_new_privileges) {
    if (int s = security::raw::load_seccomp(plan.seccomp); s < 0) r = err.set(s, "linux.seccomp: load the filter");
  }
  if (r == 0) {
    ::execve(executable, plan.argv.get(), plan.envp.get());
    r = err.set(errno, "exec ", executable);
  }
  // Past `start` nobody waits on the sync socket: say it on stderr.
  FixedText<3100> line;
  line.add("ward-oci: ").add(err.text.c_str());
  if (err.code != 0) line.add(": ").add(std::strerror(err.code));
  line.add("\n");
  sys::raw::write_all(2, line.c_str(), line.size());
  ::_exit(127);
}

}  // namespace raw

}  // namespace ward::runtime
