// tmpcopyup: a new tmpfs starts with a copy of the directory it covers, as
// crun and runc do (Podman asks for it on every --tmpfs mount).  Runs in the
// container's init: allocation-free, fixed buffers, every entry reached
// through a directory fd and never through a symlink.
#pragma once

#include "runtime/child/child_error.h"
#include "runtime/child/launch_plan.h"

namespace ward::runtime::raw {

// Deepest directory level copied; a deeper tree fails the mount step.
inline constexpr int kCopyUpMaxDepth = 64;

// Before the tmpfs is mounted: a readable fd of the directory the O_PATH
// fd `mount_point` refers to (the one the tmpfs will cover), or -errno.
int open_covered_directory(int mount_point, const MountStep& step, ChildError& err) noexcept;

// After: copies the tree under `covered` into the tmpfs now mounted at
// step.destination beneath root_fd.  Regular files (data), directories,
// symlinks (as symlinks), fifos, sockets and device nodes (skipped where
// the kernel refuses mknod, as in a user namespace) keep their mode, owner
// (unless the id is unmapped here) and times; regular files and directories
// keep their extended attributes where the tmpfs accepts them.  Hard links
// become separate copies.  A directory on another mount than `covered`
// (a mount below the destination) is copied empty.  The tmpfs's root takes
// the covered directory's mode and owner unless the mount's options set
// them (step.copy_up_root_mode, step.copy_up_root_owner).  What the
// covered mount made inert stays so when the tmpfs lacks the same flag:
// device nodes under nodev are left out, set-id bits and file capabilities
// of regular files under nosuid are dropped.
int copy_up(int root_fd, int covered, const MountStep& step, ChildError& err) noexcept;

}  // namespace ward::runtime::raw
