// The config.json that `ward-oci spec` writes: SPEC section 3's hardened
// profile, in the runtime-spec's shape.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ward::oci {

// The default config as pretty-printed JSON.  With rootless, the config adds
// a user namespace mapping the caller's uid/gid to root and binds the host's
// /sys instead of mounting a new sysfs (a user cannot mount one outside a
// network namespace it owns).
// With apparmor (the host has AppArmor: security::apparmor_enabled()), the
// process runs under ward's `ward-default` profile.
[[nodiscard]] std::string default_spec_json(bool rootless, bool apparmor);
// The same as a JSON value, for a caller that changes it first (the engine).
[[nodiscard]] nlohmann::json default_spec(bool rootless, bool apparmor);

// The capabilities every ward container gets unless its config says
// otherwise (SPEC section 3): no NET_RAW, MKNOD or AUDIT_WRITE.
inline constexpr const char* kDefaultCapabilities[] = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",      "CAP_NET_BIND_SERVICE",
    "CAP_SETFCAP", "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT",
};

// Docker's lists and more: files under /proc and /sys that leak host state
// or let a container poke the host kernel.
inline constexpr const char* kDefaultMaskedPaths[] = {
    "/proc/acpi",         "/proc/asound",        "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list",   "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",         "/proc/interrupts",    "/proc/pressure",    "/sys/firmware",
    "/sys/devices/virtual/powercap", "/sys/kernel/security",
};
inline constexpr const char* kDefaultReadonlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

}  // namespace ward::oci
