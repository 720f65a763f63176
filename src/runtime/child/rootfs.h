// Building the container's filesystem view inside its mount namespace.
// Runs in the container's init: allocation-free, every path inside the
// rootfs resolved beneath it (sys::raw::open_in_root) and mounted through
// /proc/self/fd/N.
#pragma once

#include "runtime/child/child_error.h"
#include "runtime/child/launch_plan.h"

namespace ward::runtime::raw {

// Propagation of "/" (of the rootfs when sharing the runtime's mount
// namespace), the rootfs bind mount, then every mount step and the
// /dev setup.  On success *root_fd is an O_PATH fd of the new root.
int prepare_rootfs(const LaunchPlan& plan, int* root_fd, ChildError& err) noexcept;
// pivot_root (or MS_MOVE + chroot with no_pivot) into the prepared root;
// only chroot when the container shares the runtime's mount namespace.
int enter_rootfs(const LaunchPlan& plan, int root_fd, ChildError& err) noexcept;
// fchdir + chroot(".") + chdir("/"): the root of `exec` into such a container.
int chroot_into(int dir_fd, ChildError& err) noexcept;
// After entering: rootfsPropagation, sysctls, masked and read-only paths,
// read-only root.  `finish_rootfs` is split from `enter_rootfs` so that the
// console can be set up in between.
int finish_rootfs(const LaunchPlan& plan, ChildError& err) noexcept;
// Opens the pty master in the new /dev/pts, binds its peer on /dev/console,
// makes it the controlling terminal and stdio.  *master gets the master fd.
int setup_console(const LaunchPlan& plan, int* master, ChildError& err) noexcept;

// Creates every missing directory of `path` beneath root_fd; returns an
// O_PATH fd of the directory or -errno.
int mkdir_all_in_root(int root_fd, const char* path, ChildError& err) noexcept;

}  // namespace ward::runtime::raw
