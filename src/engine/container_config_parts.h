// Internal to src/engine: the parts of build_oci_config that map the
// flags added after the first ones (container_resources.cc: limits;
// container_host_options.cc: namespaces, devices, sysctls, names).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/container_config.h"
#include "engine/container_spec.h"
#include "util/error.h"

namespace ward::engine {

// --ulimit, --oom-score-adj and the cgroup limits (--cpus, --cpu-*,
// --cpuset-*, --memory-*, --oom-kill-disable, --blkio-weight,
// --device-*-bps/iops) onto process.rlimits and linux.resources.
[[nodiscard]] Result<> apply_resource_limits(const ContainerSpec& spec, nlohmann::json& config);

// --shm-size, --sysctl, --domainname, --pid/--ipc/--uts host
// (container_host_options.cc).
[[nodiscard]] Result<> apply_host_options(const ContainerSpec& spec, const ConfigInputs& inputs,
                                          nlohmann::json& config);
// --device (a bind of the host's node and a device cgroup rule) and
// --device-cgroup-rule (container_devices.cc).
[[nodiscard]] Result<> apply_devices(const ContainerSpec& spec, nlohmann::json& config);

// Drops the namespace of `type` ("pid", "network", ...) from a config's
// linux.namespaces: the container shares the host's (container_config.cc).
void remove_namespace(nlohmann::json& linux_section, std::string_view type);

}  // namespace ward::engine
