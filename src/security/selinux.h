// SELinux: the process label a container's program runs under
// (process.selinuxLabel) and the label given to the filesystems the runtime
// mounts for it (linux.mountLabel), applied as runc does.  The pure parts
// take their inputs, so they are tested with a fake /sys tree; the writes
// the container's init makes are in `raw`.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ward::security {

// SELinux is enabled on the host whose root is `root` ("" for the real
// host): selinuxfs is mounted at /sys/fs/selinux and shows `enforce`.
[[nodiscard]] bool selinux_enabled(const std::string& root = "");

// A label "user:role:type[:level]": at least three non-empty fields, no
// whitespace, quotes, backslashes or control characters (it is written to
// /proc and quoted into mount options).
[[nodiscard]] Result<> validate_selinux_label(std::string_view label);

// Mount data with the mount label added, as runc's FormatMountLabel does:
// `context="LABEL"` after the existing options.  An empty label leaves the
// data as it is.
[[nodiscard]] std::string format_mount_label(std::string_view data, std::string_view label);

// Whether a mount of this filesystem type gets the mount label.  proc,
// sysfs and cgroup take their labels from policy (genfscon) and refuse a
// context= option; an ipc namespace's mqueue superblock exists before the
// mount, so a context= option there fails (runc skips it too); bind mounts
// have no data.
[[nodiscard]] bool mount_takes_label(std::string_view fstype);

// Where the init writes the label: the process's exec and keycreate
// attributes.  (SELinux owns the legacy attr files.)
inline constexpr const char* kSelinuxExecAttr = "/proc/thread-self/attr/exec";
inline constexpr const char* kSelinuxKeycreateAttr = "/proc/thread-self/attr/keycreate";

// Parent side, before clone: a `field`-named error when `label` is set but
// SELinux is not enabled on this host, or the label is malformed.
[[nodiscard]] Result<> check_selinux_label(const std::string& label, std::string_view field,
                                           const std::string& root = "");

namespace raw {
// Writes `label` to the attribute file `attr_path`: 0 or -errno.
int selinux_set_attr(const char* attr_path, const char* label, std::size_t size) noexcept;
}  // namespace raw

}  // namespace ward::security
