// Engine::export_filesystem: `ward export`, the container's filesystem as
// a tar, read from a read-only overlay of its writable layer over its
// image's layers (container_root.h): overlayfs hides the whiteouts, and
// no mount of the runtime's (/proc, /sys, /dev, -v) is in it.  Owners are
// shown as the container sees them.
#include "engine/container_root.h"
#include "engine/engine.h"
#include "engine/file_tree.h"
#include "image/layer_write.h"

namespace ward::engine {

Result<> Engine::export_filesystem(const ContainerRecord& container, int fd) {
  auto root = WARD_TRY(open_container_root(*this, container, RootAccess::layers_only));
  return write_tree_tar(fd, root.root.get(), "", "", WalkOptions{.shift = root.ids});
}

}  // namespace ward::engine
