// A container without a mount namespace of its own makes its mounts in the
// runtime's: below its rootfs, never on "/".  Nothing takes them away when
// its init exits, so `create` records, before the init mounts anything,
// which rootfs to clean and which mounts were there already (ID/mounts in
// the state directory), and the error path of `create` and `delete`
// unmount everything else at or below that rootfs.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/sys.h"

namespace ward::runtime {

struct SharedMounts {
  std::string rootfs;  // canonical
  std::set<int> kept;  // mount ids at or below rootfs before create (not ours)
};

// "/a/rootfs" and "/a/rootfs/x" are at or below "/a/rootfs"; "/a/rootfs2" is not.
[[nodiscard]] bool at_or_below(std::string_view path, std::string_view root);
// What is mounted at or below `rootfs` now: the mounts a later cleanup keeps.
[[nodiscard]] Result<SharedMounts> record_shared_mounts(const std::string& rootfs);
[[nodiscard]] std::string shared_mounts_json(const SharedMounts& record);
[[nodiscard]] Result<SharedMounts> parse_shared_mounts(const std::string& text);
// The mounts of `table` at or below record.rootfs that are not kept,
// deepest first.
[[nodiscard]] std::vector<sys::MountInfo> mounts_to_undo(const std::vector<sys::MountInfo>& table,
                                                         const SharedMounts& record);
// Detaches (MNT_DETACH) every mount mounts_to_undo finds, each only while
// it is the topmost at its path, until none is left.
[[nodiscard]] Result<> unmount_shared_mounts(const SharedMounts& record);

}  // namespace ward::runtime
