// Idmapped bind mounts (runtime-spec mounts[].uidMappings/gidMappings and
// the "idmap"/"ridmap" options), planned by ward-oci before clone.
#pragma once

#include <cstddef>

#include "oci/mount_options.h"
#include "runtime/child/launch_plan.h"

namespace ward::runtime {

// Whether mounts[index] asks for an idmapped mount.
[[nodiscard]] bool wants_idmap(const oci::Mount& mount, const oci::MountOptions& options);
// The checks that need nothing from the host: both maps or neither, and a
// bind mount.  Errors name the field.
[[nodiscard]] Result<> check_idmapped_mount(const oci::Mount& mount, const oci::MountOptions& options, bool is_bind,
                                            std::size_t index);
// Opens the idmapped copy of `step.source` into plan.idmapped_trees and
// points the step at it.  The mapping is the mount's own, else (plain
// "idmap") the container's user namespace's.
[[nodiscard]] Result<> plan_idmapped_mount(const oci::Config& config, const oci::Mount& mount,
                                           const oci::MountOptions& options, std::size_t index, MountStep& step,
                                           LaunchPlan& plan);

}  // namespace ward::runtime
