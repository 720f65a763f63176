// Internal to `ward run`/`create`'s flags: the groups of flags that
// run_flags.cc hands to their own files, and the helpers they share.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/core/args.h"
#include "engine/container_spec.h"
#include "util/error.h"

namespace ward::cli::engine {

// Every value of a repeatable flag, in order (one given once too).
[[nodiscard]] std::vector<std::string> flag_values(const ParsedArgs& parsed, const std::string& name);
// A whole decimal integer, or invalid_input naming `flag` and the text.
[[nodiscard]] Result<std::int64_t> flag_integer(std::string_view flag, std::string_view text);

// --ulimit, --cpus, --cpu-shares, --cpu-period, --cpu-quota,
// --cpuset-cpus, --cpuset-mems, --memory-reservation, --memory-swap,
// --memory-swappiness, --oom-kill-disable, --oom-score-adj,
// --blkio-weight, --device-read-bps/-write-bps/-read-iops/-write-iops
// (run_flags_resources.cc).  Needs spec.memory set first.
[[nodiscard]] Result<> apply_resource_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec,
                                            std::vector<std::string>& warnings);

// --label-file: KEY=VALUE (or KEY, an empty value) a line; blank lines
// and #-comments skipped.
[[nodiscard]] Result<> read_label_file(std::map<std::string, std::string>& labels, const std::string& path);

// --shm-size, --sysctl, --group-add, --domainname, --label-file,
// --add-host, --dns, --dns-search, --dns-option (run_flags_host.cc).
// Needs spec.network set first.
[[nodiscard]] Result<> apply_host_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec,
                                        std::vector<std::string>& warnings);

// --device, --device-cgroup-rule, --pid, --ipc, --uts
// (run_flags_namespaces.cc): host namespaces are warned.  Needs
// spec.hostname and spec.domainname set first.
[[nodiscard]] Result<> apply_namespace_and_device_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec,
                                                        std::vector<std::string>& warnings);

// --init, --annotation, --no-healthcheck, --platform (run_flags_host.cc).
[[nodiscard]] Result<> apply_process_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec);
// `ward update`'s flags over a container's recorded spec: only what is
// given changes.
[[nodiscard]] Result<> apply_update_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec,
                                          std::vector<std::string>& warnings);
// --secret: spec.secrets (that they exist is the engine's check).
[[nodiscard]] Result<> apply_secret_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec);
// --health-*: spec.healthcheck (after --no-healthcheck, which they conflict with).
[[nodiscard]] Result<> apply_health_flags(const ParsedArgs& parsed, ward::engine::ContainerSpec& spec);

}  // namespace ward::cli::engine
