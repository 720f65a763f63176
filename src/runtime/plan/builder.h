// Plan building: a validated config.json becomes the LaunchPlan the child
// carries out (runtime/child/launch_plan.h).  Parent side; may allocate.
// Errors name the config field.
#pragma once

#include <sys/types.h>

#include <string>

#include "cgroups/cgroup.h"
#include "oci/config.h"
#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"
#include "util/error.h"

namespace ward::runtime {

struct PlanOptions {
  std::string bundle;  // absolute
  bool no_pivot = false;
  bool no_new_keyring = false;
  std::string container_id;
  std::string seccomp_cache_dir;  // empty: compile every time
  int preserve_fds = 0;
  bool in_user_namespace_host = false;  // ward-oci itself runs inside a user namespace
  const cgroups::Cgroup* cgroup = nullptr;  // the container's cgroup, bound at cgroup mounts
  int rootfs_mount_fd = -1;                 // CreateOptions::rootfs_mount_fd
  // Where the AppArmor and SELinux checks look for /sys and /proc: "" is
  // the host (or $WARD_TEST_LSM_ROOT, see plan_labels.cc); unit tests point
  // it at a fake tree.
  std::string host_root;
};

// Builds the plan from a validated config.  Errors name the config field.
[[nodiscard]] Result<LaunchPlan> build_launch_plan(const oci::Config& config, const PlanOptions& options);
// For a rootless container left without a cgroup: its cgroup mounts bind
// the cgroups it does run in (ward-oci's) instead of the planned ones.
[[nodiscard]] Result<> bind_own_cgroups(LaunchPlan& plan, const cgroups::Cgroup& cgroup);
// The plan for `exec`: `process` run in every namespace of the running
// init `target` that differs from ward-oci's own, with the container's
// seccomp profile (`config.linux.seccomp`).
[[nodiscard]] Result<LaunchPlan> build_exec_plan(const oci::Config& config, const oci::Process& process,
                                                 pid_t target, const std::string& rootfs, const PlanOptions& options);

}  // namespace ward::runtime
