// The root filesystem `ward scan` reads: one directory, or an image's
// unpacked layers seen as overlayfs would merge them (top layer first; a
// 0/0 character device is a whiteout, a directory marked opaque hides what
// lies under it), without mounting anything.  Nothing here follows a
// symlink on the host: every lookup is one name at a time under a layer's
// directory fd, and symlinks inside the rootfs resolve against its own
// root, so a hostile image cannot point the scan at host files.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/fd.h"

namespace ward::audit::scan {

struct RootfsEntry {
  std::string path;       // "/usr/bin/su"
  struct stat st {};      // lstat of the visible copy
  std::size_t layer = 0;  // the layer it comes from, 0 = top
  int directory_fd = -1;  // that layer's copy of the parent directory, valid during the visit
  std::string_view name;  // the last component, for openat on directory_fd
  bool whiteout = false;  // an overlayfs whiteout (only a layer opened alone, open_layer, shows them)
  bool opaque = false;    // a directory marked opaque in its layer (images only)
};

// The regular file `entry` names, opened read-only under its layer's
// directory fd with O_NOFOLLOW and O_NONBLOCK; valid only during the walk's
// visit of `entry`.  Anything but a regular file is refused.
[[nodiscard]] Result<UniqueFd> open_regular(const RootfsEntry& entry);

class Rootfs {
 public:
  // `layers`: directories, top first.  `whiteouts`: read overlayfs
  // whiteouts and opaque directories (an image's layers; not a plain
  // directory, where a 0/0 device is a device).
  [[nodiscard]] static Result<Rootfs> open(const std::vector<std::string>& layers, bool whiteouts);
  // One image layer on its own, as its tar made it: walk() visits its
  // whiteouts too (`whiteout` set, never hiding anything) and marks its
  // opaque directories, so the layer's own results can be merged with
  // the others' later (layer_scan.h).
  [[nodiscard]] static Result<Rootfs> open_layer(const std::string& layer);

  // Visits every visible entry but "/", parents before children, names in
  // byte order; stops at the first error `visit` returns.
  [[nodiscard]] Result<> walk(const std::function<Result<>(const RootfsEntry&)>& visit) const;

  // The regular file at `path` (symlinks followed inside the rootfs):
  // nullopt when there is none; an error when it is larger than `max_size`.
  [[nodiscard]] Result<std::optional<std::string>> read(std::string_view path, std::size_t max_size) const;

  // The names in the directory at `path`, sorted; empty when there is no
  // such directory.
  [[nodiscard]] Result<std::vector<std::string>> list(std::string_view path) const;

  // Whether `path` names anything (symlinks followed inside the rootfs).
  [[nodiscard]] Result<bool> exists(std::string_view path) const;

 private:
  Rootfs(std::vector<UniqueFd> layers, bool whiteouts, bool show_whiteouts)
      : layers_(std::move(layers)), whiteouts_(whiteouts), show_whiteouts_(show_whiteouts) {}

  std::vector<UniqueFd> layers_;
  bool whiteouts_ = false;
  bool show_whiteouts_ = false;  // open_layer: whiteouts are visited, not applied
};

}  // namespace ward::audit::scan
