// The OCI seccomp object compiled with libseccomp into a classic BPF
// program, before clone; the container's init only loads the bytes.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "oci/config.h"
#include "util/error.h"

namespace ward::security {

struct SeccompProgram {
  std::vector<sock_filter> instructions;
  // SECCOMP_FILTER_FLAG_* for seccomp(2).  A profile with SCMP_ACT_NOTIFY
  // gets SECCOMP_FILTER_FLAG_NEW_LISTENER: loading it returns the notify fd
  // that goes to the profile's listenerPath.
  unsigned flags = 0;
  [[nodiscard]] bool has_listener() const noexcept;
};

// Compiles `profile` for the host's architecture plus the profile's
// `architectures`.  Errors name the field ("linux.seccomp.syscalls[3].action").
// Syscall names unknown to libseccomp are skipped, as runc and crun do:
// profiles list calls of every architecture and kernel version.
// SCMP_ACT_NOTIFY is refused as the default action and for sendmsg: the
// init sends the notify fd to ward-oci with sendmsg after the filter is
// loaded, and a call waiting on a listener that has no fd yet never ends.
// listenerPath without any SCMP_ACT_NOTIFY is ignored, as the
// runtime-spec says.
[[nodiscard]] Result<SeccompProgram> compile_seccomp(const oci::Seccomp& profile);

// compile_seccomp through an on-disk cache in `cache_dir` (created 0700):
// a profile compiled once loads from the cache afterwards.
[[nodiscard]] Result<SeccompProgram> compile_seccomp_cached(const oci::Seccomp& profile,
                                                            const std::string& cache_dir);

namespace raw {
// seccomp(SECCOMP_SET_MODE_FILTER, flags, program).  0, the notify fd
// (for a program with has_listener()), or -errno.  Async-signal-safe.
int load_seccomp(const SeccompProgram& program) noexcept;
}  // namespace raw

}  // namespace ward::security
