// What a running container uses, read once (`ward stats`): counters from
// its cgroup (through the runtime) and its network namespace.  Rates
// (CPU %) come from two readings.
#pragma once

#include <chrono>
#include <cstdint>

namespace ward::engine {

struct ContainerUsage {
  std::chrono::steady_clock::time_point taken;
  std::uint64_t cpu_ns = 0;        // CPU time of all its processes so far
  std::uint64_t memory_bytes = 0;  // in use, without the inactive page cache (as Docker counts)
  std::uint64_t memory_limit = 0;  // its limit, else the host's memory
  std::uint64_t block_read = 0, block_write = 0;
  std::uint64_t net_received = 0, net_sent = 0;  // every interface but lo
  std::uint64_t pids = 0;
};

}  // namespace ward::engine
