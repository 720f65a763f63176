// What `ward info` says about the host: its kernel, system, processors,
// memory and cgroup hierarchies.
#pragma once

#include <cstdint>
#include <string>

#include "util/error.h"

namespace ward::engine {

struct HostInfo {
  std::string hostname;
  std::string kernel_version;    // uname -r
  std::string operating_system;  // /etc/os-release PRETTY_NAME
  std::string architecture;      // uname -m
  long cpus = 0;
  std::uint64_t memory_bytes = 0;
  // Docker's "1" on v1 and hybrid hosts (the controllers are v1's), "2" on
  // a pure v2 host.
  std::string cgroup_version;
};

[[nodiscard]] Result<HostInfo> read_host_info();
// MemTotal of /proc/meminfo in bytes (0 when unreadable).
[[nodiscard]] std::uint64_t host_memory_bytes();

}  // namespace ward::engine
