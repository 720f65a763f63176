// Looks up users in the container image's /etc/passwd, read through an fd
// resolved inside the rootfs so an image symlink cannot point at the host's.
#pragma once

#include <sys/types.h>

#include <string>

namespace ward::runtime {

// The home directory of `uid` in ROOTFS/etc/passwd, or "/" if none (the
// text is read by util/passwd.h).
[[nodiscard]] std::string home_directory(const std::string& rootfs, uid_t uid);

}  // namespace ward::runtime
