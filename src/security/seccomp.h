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
  unsigned flags = 0;  // SECCOMP_FILTER_FLAG_* for seccomp(2)
};

// Compiles `profile` for the host's architecture plus the profile's
// `architectures`.  Errors name the field ("linux.seccomp.syscalls[3].action").
// Syscall names unknown to libseccomp are skipped, as runc and crun do:
// profiles list calls of every architecture and kernel version.
[[nodiscard]] Result<SeccompProgram> compile_seccomp(const oci::Seccomp& profile);

// compile_seccomp through an on-disk cache in `cache_dir` (created 0700):
// a profile compiled once loads from the cache afterwards.
[[nodiscard]] Result<SeccompProgram> compile_seccomp_cached(const oci::Seccomp& profile,
                                                            const std::string& cache_dir);

namespace raw {
// seccomp(SECCOMP_SET_MODE_FILTER, flags, program).  0 or -errno.
// Async-signal-safe.
int load_seccomp(const SeccompProgram& program) noexcept;
}  // namespace raw

}  // namespace ward::security
