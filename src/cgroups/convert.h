// Pure conversions and file formats of cgroup values, v1 and v2, as runc
// writes them.  No I/O: unit-tested in tests/unit/cgroup_convert_test.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "oci/config.h"

namespace ward::cgroups {

// cpu.shares (2..262144) to cpu.weight (1..10000).
[[nodiscard]] std::uint64_t shares_to_weight(std::uint64_t shares);
// blkio.weight (10..1000, clamped into that range; 0 stays 0) to io.weight
// (1..10000).
[[nodiscard]] std::uint64_t blkio_weight_to_io_weight(std::uint64_t weight);
// cpu.max: "QUOTA PERIOD" or "max PERIOD".
[[nodiscard]] std::string cpu_max(std::optional<std::int64_t> quota, std::optional<std::uint64_t> period);
// memory.swap.max from OCI swap (memory+swap total) and limit; -1 is "max".
[[nodiscard]] std::string swap_max(std::int64_t swap, std::int64_t limit);
// A v1 limit value: -1 (or below) is "-1" (unlimited), else the number.
[[nodiscard]] std::string v1_limit(std::int64_t value);
// A v2 limit value: -1 is "max".
[[nodiscard]] std::string v2_limit(std::int64_t value);
// "c 1:3 rwm", "a *:* rwm".
[[nodiscard]] std::string device_rule_line(const oci::DeviceRule& rule);
// "4.0 KiB" style page sizes of hugepageLimits ("2MB") to the file's
// spelling, which is the same: kept as a function so the check is in one place.
[[nodiscard]] bool valid_hugepage_size(const std::string& size);

}  // namespace ward::cgroups
