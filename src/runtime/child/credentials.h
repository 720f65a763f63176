// Internal to src/runtime/child: the uid, gid and group switches as bare
// system calls.  glibc's setresuid, setresgid and setgroups make every
// thread of the process switch too: they signal the threads in glibc's
// list and wait for each.  A child made by a raw clone3 of a process
// with threads (the engine's output relay, a library's worker) still has
// the parent's threads in that list but not the threads themselves, and
// would wait for ever.  The child has one thread, so the bare call is the
// whole switch.  Each returns 0, or -errno.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace ward::runtime::raw {

inline int set_all_uids(uid_t uid) noexcept {
  return ::syscall(SYS_setresuid, uid, uid, uid) < 0 ? -errno : 0;
}

inline int set_all_gids(gid_t gid) noexcept {
  return ::syscall(SYS_setresgid, gid, gid, gid) < 0 ? -errno : 0;
}

inline int set_groups(std::size_t count, const gid_t* groups) noexcept {
  return ::syscall(SYS_setgroups, count, groups) < 0 ? -errno : 0;
}

}  // namespace ward::runtime::raw
