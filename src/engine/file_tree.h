// Internal to src/engine: copying file trees between a container and the
// host (`ward cp`, `export`, `commit`) through fds only.  A walk reads a
// tree from a directory fd (never a path the container could redirect),
// a TreeWriter creates entries under a directory fd, each parent resolved
// with openat2(RESOLVE_IN_ROOT) beneath it, so a symlink planted or swapped
// by the container cannot lead either side out of its tree.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/userns.h"
#include "image/layer_write.h"
#include "image/tar_stream.h"
#include "util/error.h"
#include "util/fd.h"

namespace ward::engine {

// Where a regular file's bytes come from: an fd read from its offset, or
// the current member of a tar stream.
struct EntryContent {
  int fd = -1;
  std::uint64_t size = 0;
  image::TarStream* tar = nullptr;
};

using EntryVisitor = std::function<Result<>(const image::LayerEntry& entry, const EntryContent& content)>;

struct WalkOptions {
  // Host ids are shown as the container's: minus these (ids outside the
  // container's range become 65534, the overflow id).
  std::optional<HostIds> shift;
  bool xattrs = false;  // read extended attributes (commit)
  // Overlay whiteouts (char 0:0, trusted.overlay.opaque) become OCI
  // `.wh.` entries and trusted.overlay.* attributes are dropped (commit).
  bool overlay_whiteouts = false;
  // Skipped, when an empty file or directory: what the runtime made as
  // mount points in the writable layer (commit).
  bool skip_mount_points = false;
};

// Visits the object `name` in the directory `dir_fd` (not followed; ""
// is `dir_fd` itself, an O_PATH fd) as `path`, then, for a directory,
// everything beneath it, a directory before its children, in byte order.
// An empty `path` visits only the children, named without a prefix.
// The contents of kernel filesystems (proc, sysfs, cgroup, devpts, ...)
// are not read; their mount points are visited as empty directories.
[[nodiscard]] Result<> walk_tree(int dir_fd, const std::string& name, const std::string& path,
                                 const WalkOptions& options, const EntryVisitor& visit);
// What walk_tree visits, written to `tar_fd` as a tar (files streamed
// from their fds): `ward export`, `ward cp CONTAINER:SRC -`.
[[nodiscard]] Result<> write_tree_tar(int tar_fd, int dir_fd, const std::string& name, const std::string& path,
                                      const WalkOptions& options);

// Who owns what a TreeWriter creates: `fixed` when set, else the entry's
// ids plus `offset`, refused past `limit` ids (a container's range).
struct OwnerMap {
  std::optional<std::pair<uid_t, gid_t>> fixed;
  uid_t uid_offset = 0;
  gid_t gid_offset = 0;
  std::uint64_t limit = 0;  // 0: none
};

class TreeWriter {
 public:
  // Creates entries beneath `root_fd` (not owned; an O_PATH directory fd
  // is enough).  With `strip_setid`, setuid and setgid bits of files that
  // end up owned by root (uid or gid 0) are dropped.
  TreeWriter(int root_fd, OwnerMap owners, bool strip_setid)
      : root_fd_(root_fd), owners_(owners), strip_setid_(strip_setid) {}

  // One entry, its path relative to the root (plain components, no "..").
  // An existing non-directory is replaced; an existing directory is kept
  // and given the entry's mode and owner; a directory is not replaced by
  // a non-directory (invalid_input).
  [[nodiscard]] Result<> add(const image::LayerEntry& entry, const EntryContent& content);
  // Gives the directories their mtimes, once their children are written.
  [[nodiscard]] Result<> finish();

 private:
  [[nodiscard]] Result<std::pair<uid_t, gid_t>> owner_of(const image::LayerEntry& entry) const;
  int root_fd_;
  OwnerMap owners_;
  bool strip_setid_;
  std::map<std::string, std::int64_t> directory_mtimes_;
};

// A path of plain components ("a/b"): no "", ".", ".." component.
[[nodiscard]] bool plain_relative_path(std::string_view path);

}  // namespace ward::engine
