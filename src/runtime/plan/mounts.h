// The mounts and device nodes of a LaunchPlan (see plan_builder.cc).
#pragma once

#include <string>

#include "runtime/child/launch_plan.h"
#include "runtime/plan/builder.h"

namespace ward::runtime {

// `name` relative to `dir`, or `name` itself when it is absolute.
std::string join_path(const std::string& dir, const std::string& name);
// config.mounts into plan.mounts, each checked and resolved.
[[nodiscard]] Result<> add_mounts(const oci::Config& config, const PlanOptions& options, LaunchPlan& plan);
// linux.devices and the default devices into plan.devices.
[[nodiscard]] Result<> add_devices(const oci::Config& config, LaunchPlan& plan);

}  // namespace ward::runtime
