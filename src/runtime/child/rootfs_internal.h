// Helpers shared by the rootfs*.cc files; like them, allocation-free and
// safe in the container's init before exec.
#pragma once

#include <cstddef>

#include "runtime/child/child_error.h"
#include "runtime/child/launch_plan.h"

namespace ward::runtime::raw {

// Copies `path` into `out` (size bytes); -ENAMETOOLONG if it does not fit.
int copy_path(char* out, size_t size, const char* path) noexcept;
// Splits "/a/b/c" into parent "/a/b" (in `parent`) and name "c".
int split_parent(const char* path, char* parent, size_t size, const char** name) noexcept;
// Makes sure `path` exists beneath the root as a directory or a file and
// returns an O_PATH fd of it.
int ensure_mount_point(int root_fd, const char* path, bool is_file, ChildError& err) noexcept;
// An O_PATH fd of the current "/".
int root_fd_now(ChildError& err) noexcept;
// Configured device nodes, then the standard /dev symlinks.
int setup_dev(int root_fd, const LaunchPlan& plan, ChildError& err) noexcept;

}  // namespace ward::runtime::raw
