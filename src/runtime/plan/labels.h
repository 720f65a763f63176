// The Linux security module parts of a LaunchPlan, split from
// plan_builder.cc: AppArmor profile and SELinux labels, checked against the
// host before clone.
#pragma once

#include <string>

#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"

namespace ward::runtime {

// process.apparmorProfile and process.selinuxLabel into the plan; a
// field-named error where the host lacks the module.  `host_root` as in
// PlanOptions.
[[nodiscard]] Result<> add_security_labels(const oci::Process& process, const std::string& host_root,
                                           LaunchPlan& plan);
// For `exec`: like runc, the process keeps the container's AppArmor profile
// and SELinux label unless its own process JSON (or flag) names others.
void inherit_security_labels(const oci::Config& config, oci::Process& process);
// linux.mountLabel added to the data of the filesystems the plan mounts.
[[nodiscard]] Result<> add_mount_label(const oci::Config& config, const std::string& host_root, LaunchPlan& plan);

}  // namespace ward::runtime
