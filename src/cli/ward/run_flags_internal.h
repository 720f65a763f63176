// Internal to `ward run`/`create`'s flags: the groups of flags that
// run_flags.cc hands to their own files, and the helpers they share.
#pragma once

#include <cstdint>
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

}  // namespace ward::cli::engine
