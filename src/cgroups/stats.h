// Resource usage of a container's cgroup, read from v1 or v2 files, for
// `events --stats`.  The file-format parsers are pure and unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cgroups/cgroup.h"
#include "util/error.h"

namespace ward::cgroups {

struct Stats {
  std::uint64_t cpu_total_ns = 0, cpu_user_ns = 0, cpu_kernel_ns = 0;
  std::vector<std::uint64_t> cpu_percpu_ns;
  std::uint64_t throttled_periods = 0, throttled_time_ns = 0, periods = 0;
  std::uint64_t memory_usage = 0, memory_max_usage = 0, memory_limit = 0, memory_failcnt = 0;
  std::uint64_t swap_usage = 0, swap_limit = 0;
  std::map<std::string, std::uint64_t> memory_raw;  // memory.stat
  std::uint64_t pids_current = 0, pids_limit = 0;   // limit 0: unlimited
  std::uint64_t oom_kills = 0;
};

[[nodiscard]] Result<Stats> read_stats(const Cgroup& cgroup);

// "key value" lines (memory.stat, cpu.stat, memory.events) to a map.
[[nodiscard]] std::map<std::string, std::uint64_t> parse_flat_keyed(const std::string& text);
// A single number, "max" (as 0, meaning unlimited) or a v1 "unlimited"
// sentinel above 2^62 (also 0).
[[nodiscard]] std::uint64_t parse_limit(const std::string& text);
// Space-separated numbers (cpuacct.usage_percpu).
[[nodiscard]] std::vector<std::uint64_t> parse_numbers(const std::string& text);

}  // namespace ward::cgroups
