// Translation of OCI mount options ("ro", "nosuid", "rprivate", "size=64m",
// "rro", "idmap", ...) into mount(2) flags, propagation changes, recursive
// mount_setattr attributes and the filesystem data string.
#pragma once

#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

#include "util/error.h"

namespace ward::oci {

struct MountOptions {
  unsigned long flags = 0;               // MS_* set at mount time (MS_BIND, MS_RDONLY, MS_NOSUID, ...)
  unsigned long cleared = 0;             // MS_* explicitly turned off ("rw", "suid", "dev", ...)
  std::vector<unsigned long> propagation;  // MS_PRIVATE|MS_REC, MS_SHARED, ... applied after mounting, in order
  std::uint64_t recursive_set = 0;       // MOUNT_ATTR_* for "rro", "rnosuid", ... (mount_setattr, AT_RECURSIVE)
  std::uint64_t recursive_clear = 0;
  std::string data;                      // comma-joined options the filesystem interprets ("size=64m,mode=755")
  bool bind = false;                     // "bind" or "rbind"
  bool recursive_bind = false;           // "rbind"
  bool idmap = false;                    // "idmap" / "ridmap": idmapped mount
  bool recursive_idmap = false;          // "ridmap": the idmapping on every mount of an rbind
  bool tmpcopyup = false;                // "tmpcopyup": copy the image's content into a new tmpfs
  bool copy_symlink = false;             // "copy-symlink" (crun): copy a symlink source instead of following it

  // Flags that need a second MS_REMOUNT pass after a bind mount (the kernel
  // ignores them on the initial MS_BIND).
  [[nodiscard]] unsigned long bind_remount_flags() const;
};

// Parses a mount's option list.  An element may hold several options
// separated by commas, as mount(8)'s -o does ("nosuid,nodev"); a comma
// inside double quotes is part of a value.  Unknown "key=value" and bare
// options go to `data`, as runc does.  Errors name the option.
[[nodiscard]] Result<MountOptions> parse_mount_options(const std::vector<std::string>& options);

// Every option name ward-oci accepts and applies, for `ward-oci features`.
[[nodiscard]] std::vector<std::string> supported_mount_option_names();

// rootfsPropagation ("private", "rslave", ...) to MS_* flags; error names it.
[[nodiscard]] Result<unsigned long> parse_propagation(const std::string& value);

}  // namespace ward::oci
