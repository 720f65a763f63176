// linux.resources written in cgroup v2 files (pure v2 hosts), converting
// v1-style values as runc does.  What v2 cannot express is an error naming
// the field.
#include <fmt/format.h>

#include "cgroups/cgroup.h"
#include "cgroups/convert.h"
#include "util/sys.h"

namespace ward::cgroups::detail {

namespace {

Result<> write(const std::string& dir, const std::string& field, const std::string& file, const std::string& value) {
  std::string path = dir + "/" + file;
  if (!sys::path_exists(path))
    return fail(fmt::format("linux.resources.{}: {} is not available (is the controller enabled?)", field, file));
  if (auto r = sys::write_file(path, value); !r) return std::unexpected(r.error().wrap("linux.resources." + field));
  return {};
}

Result<> set_memory(const std::string& dir, const oci::MemoryResources& m) {
  if (m.limit) WARD_TRY(write(dir, "memory.limit", "memory.max", v2_limit(*m.limit)));
  if (m.swap) WARD_TRY(write(dir, "memory.swap", "memory.swap.max", swap_max(*m.swap, m.limit.value_or(-1))));
  if (m.reservation) WARD_TRY(write(dir, "memory.reservation", "memory.low", v2_limit(*m.reservation)));
  if (m.swappiness) return fail("linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness");
  if (m.disable_oom_killer && *m.disable_oom_killer)
    return fail("linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
  if (m.use_hierarchy && !*m.use_hierarchy)
    return fail("linux.resources.memory.useHierarchy: false is not possible: cgroup v2 is always hierarchical");
  if (m.kernel || m.kernel_tcp) return fail("linux.resources.memory.kernel: no kernel memory limits on cgroup v2");
  return {};
}

Result<> set_cpu(const std::string& dir, const oci::CpuResources& c) {
  if (c.shares) WARD_TRY(write(dir, "cpu.shares", "cpu.weight", std::to_string(shares_to_weight(*c.shares))));
  if (c.quota || c.period) WARD_TRY(write(dir, "cpu.quota", "cpu.max", cpu_max(c.quota, c.period)));
  if (c.burst) WARD_TRY(write(dir, "cpu.burst", "cpu.max.burst", std::to_string(*c.burst)));
  if (c.idle) WARD_TRY(write(dir, "cpu.idle", "cpu.idle", std::to_string(*c.idle)));
  if (c.realtime_period || c.realtime_runtime)
    return fail("linux.resources.cpu.realtimeRuntime: cgroup v2 has no realtime cpu limits");
  if (!c.cpus.empty()) WARD_TRY(write(dir, "cpu.cpus", "cpuset.cpus", c.cpus));
  if (!c.mems.empty()) WARD_TRY(write(dir, "cpu.mems", "cpuset.mems", c.mems));
  return {};
}

Result<> set_io(const std::string& dir, const oci::BlockIoResources& b) {
  if (b.weight) {
    // BFQ takes the v1 scale; the generic io.weight the converted one.
    if (sys::path_exists(dir + "/io.bfq.weight"))
      WARD_TRY(write(dir, "blockIO.weight", "io.bfq.weight", std::to_string(*b.weight)));
    else
      WARD_TRY(write(dir, "blockIO.weight", "io.weight", std::to_string(blkio_weight_to_io_weight(*b.weight))));
  }
  if (b.leaf_weight) return fail("linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weights");
  for (size_t i = 0; i < b.weight_devices.size(); ++i) {
    const auto& d = b.weight_devices[i];
    if (d.weight)
      WARD_TRY(write(dir, fmt::format("blockIO.weightDevice[{}]", i), "io.weight",
                     fmt::format("{}:{} {}", d.major, d.minor, blkio_weight_to_io_weight(*d.weight))));
    if (d.leaf_weight)
      return fail(fmt::format("linux.resources.blockIO.weightDevice[{}].leafWeight: cgroup v2 has no leaf weights", i));
  }
  auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* name, const char* key) -> Result<> {
    for (size_t i = 0; i < list.size(); ++i)
      WARD_TRY(write(dir, fmt::format("blockIO.{}[{}]", name, i), "io.max",
                     fmt::format("{}:{} {}={}", list[i].major, list[i].minor, key, list[i].rate)));
    return {};
  };
  WARD_TRY(throttle(b.throttle_read_bps, "throttleReadBpsDevice", "rbps"));
  WARD_TRY(throttle(b.throttle_write_bps, "throttleWriteBpsDevice", "wbps"));
  WARD_TRY(throttle(b.throttle_read_iops, "throttleReadIOPSDevice", "riops"));
  WARD_TRY(throttle(b.throttle_write_iops, "throttleWriteIOPSDevice", "wiops"));
  return {};
}

}  // namespace

Result<> set_v2(const std::string& dir, const oci::Resources& resources) {
  // linux.resources.devices: the eBPF program (device_program.cc).
  if (resources.memory) WARD_TRY(set_memory(dir, *resources.memory));
  if (resources.cpu) WARD_TRY(set_cpu(dir, *resources.cpu));
  if (resources.pids_limit)
    WARD_TRY(write(dir, "pids.limit", "pids.max", *resources.pids_limit > 0 ? std::to_string(*resources.pids_limit) : "max"));
  if (resources.block_io) WARD_TRY(set_io(dir, *resources.block_io));
  for (size_t i = 0; i < resources.hugepage_limits.size(); ++i) {
    const auto& limit = resources.hugepage_limits[i];
    WARD_TRY(write(dir, fmt::format("hugepageLimits[{}]", i), fmt::format("hugetlb.{}.max", limit.page_size),
                   std::to_string(limit.limit)));
  }
  if (resources.net_class_id || !resources.net_priorities.empty())
    return fail("linux.resources.network: net_cls and net_prio do not exist on cgroup v2");
  for (const auto& [key, value] : resources.unified) WARD_TRY(write(dir, "unified." + key, key, value));
  return {};
}

}  // namespace ward::cgroups::detail
