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

// One "MAJ:MIN Op value" line of a blkio statistic (runc's BlkioEntry).
struct BlkioEntry {
  std::uint64_t major = 0, minor = 0;
  std::string op;  // "Read", "Write", "Sync", "Async", "Discard", "Total"
  std::uint64_t value = 0;
  bool operator==(const BlkioEntry&) const = default;
};

// Huge pages of one size ("2MB"): bytes in use, the peak (v1 only) and how
// often the limit refused an allocation.
struct HugetlbUsage {
  std::uint64_t usage = 0, max = 0, failcnt = 0;
  bool operator==(const HugetlbUsage&) const = default;
};

struct Stats {
  std::uint64_t cpu_total_ns = 0, cpu_user_ns = 0, cpu_kernel_ns = 0;
  std::vector<std::uint64_t> cpu_percpu_ns;
  std::uint64_t throttled_periods = 0, throttled_time_ns = 0, periods = 0;
  std::uint64_t memory_usage = 0, memory_max_usage = 0, memory_limit = 0, memory_failcnt = 0;
  std::uint64_t swap_usage = 0, swap_limit = 0;
  std::map<std::string, std::uint64_t> memory_raw;  // memory.stat
  std::uint64_t pids_current = 0, pids_limit = 0;   // limit 0: unlimited
  std::uint64_t oom_kills = 0;
  std::vector<BlkioEntry> io_service_bytes, io_serviced;  // bytes and operations, per device and op
  std::map<std::string, HugetlbUsage> hugetlb;           // by page size
};

[[nodiscard]] Result<Stats> read_stats(const Cgroup& cgroup);

// "key value" lines (memory.stat, cpu.stat, memory.events) to a map.
[[nodiscard]] std::map<std::string, std::uint64_t> parse_flat_keyed(const std::string& text);
// A single number, "max" (as 0, meaning unlimited) or a v1 "unlimited"
// sentinel above 2^62 (also 0).
[[nodiscard]] std::uint64_t parse_limit(const std::string& text);
// Space-separated numbers (cpuacct.usage_percpu).
[[nodiscard]] std::vector<std::uint64_t> parse_numbers(const std::string& text);
// A v1 blkio "*_recursive" file: "MAJ:MIN Op value" lines; the closing
// device-less "Total N" line is not an entry.
[[nodiscard]] std::vector<BlkioEntry> parse_blkio_entries(const std::string& text);
// v2 io.stat ("MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"),
// mapped as runc maps it: *bytes to byte entries, *ios to operation
// entries, with ops Read, Write and Discard.
void parse_io_stat(const std::string& text, std::vector<BlkioEntry>& bytes, std::vector<BlkioEntry>& serviced);
// The page size a hugetlb file is about: "hugetlb.2MB.max" -> "2MB" for
// suffix ".max"; "" when the name is another file.
[[nodiscard]] std::string hugetlb_page_size(const std::string& file_name, const std::string& suffix);

}  // namespace ward::cgroups
