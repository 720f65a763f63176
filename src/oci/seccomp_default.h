// ward's default seccomp profile: the allow-list `ward-oci spec` writes.
// Modelled on Docker's default (moby/profiles seccomp/default.json: deny
// with EPERM, allow a list) and tighter: keyctl/add_key/request_key,
// userfaultfd, perf_event_open, bpf and the io_uring calls are not allowed,
// and clone/unshare/setns cannot make namespaces.
#pragma once

#include <nlohmann/json.hpp>

namespace ward::oci {

// The linux.seccomp object for the default capability set (SPEC section 3).
[[nodiscard]] nlohmann::json default_seccomp_profile();

}  // namespace ward::oci
