// Docker's copy-up: a new, empty volume mounted over a path the image
// has is first filled with the image's files there (unless nocopy).
#pragma once

#include <optional>
#include <string>

#include "engine/userns.h"
#include "util/error.h"

namespace ward::engine {

// Copies the tree at `path` of the rootfs (resolved inside it: a symlink
// cannot lead out) into `data_dir` if that is empty, keeping modes,
// owners, times and extended attributes; nothing when the rootfs has no
// directory there.  Symlinks are copied as links, never followed.  With
// `ids` the rootfs shows the container's ids shifted to its host range;
// they are shifted back, so that the volume (bound idmapped, as binds
// are) shows the container the owners the image gave.
[[nodiscard]] Result<> populate_volume(int rootfs_fd, const std::string& path, const std::string& data_dir,
                                       const std::optional<HostIds>& ids);

}  // namespace ward::engine
