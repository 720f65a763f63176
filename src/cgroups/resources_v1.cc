// linux.resources written in cgroup v1 files.  A field whose controller or
// file this host lacks is an error naming the field, never skipped.
#include <algorithm>

#include <fmt/format.h>

#include "cgroups/cgroup.h"
#include "cgroups/convert.h"
#include "util/sys.h"

namespace ward::cgroups::detail {

std::string v1_directory(const std::vector<CgroupDirectory>& dirs, const std::string& controller) {
  for (const auto& dir : dirs) {
    if (dir.hierarchy.unified) continue;
    const auto& controllers = dir.hierarchy.controllers;
    if (std::find(controllers.begin(), controllers.end(), controller) != controllers.end()) return dir.path;
  }
  return "";
}

namespace {

// Writes `value` to `file` of the hierarchy holding `controller`.
class Writer {
 public:
  explicit Writer(const std::vector<CgroupDirectory>& dirs) : dirs_(dirs) {}

  Result<> write(const std::string& field, const std::string& controller, const std::string& file,
                 const std::string& value) {
    std::string dir = v1_directory(dirs_, controller);
    if (dir.empty())
      return fail(fmt::format("linux.resources.{}: the {} cgroup controller is not mounted on this host", field,
                              controller));
    std::string path = dir + "/" + file;
    if (!sys::path_exists(path))
      return fail(fmt::format("linux.resources.{}: {} is not available on this host", field, file));
    if (auto r = sys::write_file(path, value); !r)
      return std::unexpected(r.error().wrap(fmt::format("linux.resources.{}", field)));
    return {};
  }

  bool has_v1(const std::string& controller) const { return !v1_directory(dirs_, controller).empty(); }

  // The unified hierarchy of a hybrid host, for controllers that live there.
  std::string unified_directory() const {
    for (const auto& dir : dirs_)
      if (dir.hierarchy.unified) return dir.path;
    return "";
  }

  // A hybrid host's cgroup2 delegates nothing by itself: hands `controller`
  // down from its root to the container's cgroup (as Cgroup::create does
  // for every controller on a pure v2 host), so its files appear there.
  void delegate_on_unified(const std::string& controller) const {
    for (const auto& dir : dirs_) {
      if (!dir.hierarchy.unified) continue;
      const std::string& path = dir.path;
      for (size_t end = dir.hierarchy.mount_point.size(); end < path.size(); end = path.find('/', end + 1))
        (void)sys::write_file(path.substr(0, end) + "/cgroup.subtree_control", "+" + controller);
    }
  }

 private:
  const std::vector<CgroupDirectory>& dirs_;
};

Result<> set_devices(Writer& w, const oci::Resources& resources, const std::vector<oci::DeviceRule>& allowed) {
  // Start from nothing, then the config's rules in order, then the
  // devices every container gets.
  WARD_TRY(w.write("devices", "devices", "devices.deny", "a"));
  auto apply = [&](const oci::DeviceRule& rule, size_t i) -> Result<> {
    std::string line = device_rule_line(rule);
    return w.write(fmt::format("devices[{}]", i), "devices", rule.allow ? "devices.allow" : "devices.deny", line);
  };
  for (size_t i = 0; i < resources.devices.size(); ++i) WARD_TRY(apply(resources.devices[i], i));
  for (const auto& rule : allowed) WARD_TRY(apply(rule, resources.devices.size()));
  return {};
}

Result<> set_memory(Writer& w, const oci::MemoryResources& m) {
  if (m.limit && m.swap) {
    // memsw must never be below the memory limit: raise whichever the
    // kernel needs first.
    WARD_TRY(w.write("memory.swap", "memory", "memory.memsw.limit_in_bytes", "-1"));
    WARD_TRY(w.write("memory.limit", "memory", "memory.limit_in_bytes", v1_limit(*m.limit)));
    WARD_TRY(w.write("memory.swap", "memory", "memory.memsw.limit_in_bytes", v1_limit(*m.swap)));
  } else if (m.limit) {
    WARD_TRY(w.write("memory.limit", "memory", "memory.limit_in_bytes", v1_limit(*m.limit)));
  } else if (m.swap) {
    WARD_TRY(w.write("memory.swap", "memory", "memory.memsw.limit_in_bytes", v1_limit(*m.swap)));
  }
  if (m.reservation)
    WARD_TRY(w.write("memory.reservation", "memory", "memory.soft_limit_in_bytes", v1_limit(*m.reservation)));
  if (m.swappiness && *m.swappiness <= 100)
    WARD_TRY(w.write("memory.swappiness", "memory", "memory.swappiness", std::to_string(*m.swappiness)));
  else if (m.swappiness)
    return fail(fmt::format("linux.resources.memory.swappiness: {} is above 100", *m.swappiness));
  if (m.disable_oom_killer && *m.disable_oom_killer)
    WARD_TRY(w.write("memory.disableOOMKiller", "memory", "memory.oom_control", "1"));
  // Current kernels account hierarchically only: "1" is all the file takes.
  if (m.use_hierarchy && !*m.use_hierarchy)
    return fail("linux.resources.memory.useHierarchy: false is not possible: this kernel always accounts "
                "memory hierarchically");
  if (m.use_hierarchy) WARD_TRY(w.write("memory.useHierarchy", "memory", "memory.use_hierarchy", "1"));
  if (m.kernel) return fail("linux.resources.memory.kernel: kernel memory limits do not exist on this kernel");
  if (m.kernel_tcp)
    WARD_TRY(w.write("memory.kernelTCP", "memory", "memory.kmem.tcp.limit_in_bytes", v1_limit(*m.kernel_tcp)));
  return {};
}

Result<> set_cpu(Writer& w, const oci::CpuResources& c) {
  if (c.shares) WARD_TRY(w.write("cpu.shares", "cpu", "cpu.shares", std::to_string(*c.shares)));
  if (c.period) WARD_TRY(w.write("cpu.period", "cpu", "cpu.cfs_period_us", std::to_string(*c.period)));
  if (c.quota) WARD_TRY(w.write("cpu.quota", "cpu", "cpu.cfs_quota_us", std::to_string(*c.quota)));
  if (c.burst) WARD_TRY(w.write("cpu.burst", "cpu", "cpu.cfs_burst_us", std::to_string(*c.burst)));
  if (c.realtime_period)
    WARD_TRY(w.write("cpu.realtimePeriod", "cpu", "cpu.rt_period_us", std::to_string(*c.realtime_period)));
  if (c.realtime_runtime)
    WARD_TRY(w.write("cpu.realtimeRuntime", "cpu", "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime)));
  if (!c.cpus.empty()) WARD_TRY(w.write("cpu.cpus", "cpuset", "cpuset.cpus", c.cpus));
  if (!c.mems.empty()) WARD_TRY(w.write("cpu.mems", "cpuset", "cpuset.mems", c.mems));
  // cpu.idle exists on v1 too since 5.15; the writer says when it does not.
  if (c.idle) WARD_TRY(w.write("cpu.idle", "cpu", "cpu.idle", std::to_string(*c.idle)));
  return {};
}

Result<> set_block_io(Writer& w, const oci::BlockIoResources& b) {
  if (b.weight) WARD_TRY(w.write("blockIO.weight", "blkio", "blkio.weight", std::to_string(*b.weight)));
  if (b.leaf_weight)
    WARD_TRY(w.write("blockIO.leafWeight", "blkio", "blkio.leaf_weight", std::to_string(*b.leaf_weight)));
  for (size_t i = 0; i < b.weight_devices.size(); ++i) {
    const auto& d = b.weight_devices[i];
    std::string field = fmt::format("blockIO.weightDevice[{}]", i);
    if (d.weight)
      WARD_TRY(w.write(field, "blkio", "blkio.weight_device", fmt::format("{}:{} {}", d.major, d.minor, *d.weight)));
    if (d.leaf_weight)
      WARD_TRY(w.write(field, "blkio", "blkio.leaf_weight_device",
                       fmt::format("{}:{} {}", d.major, d.minor, *d.leaf_weight)));
  }
  auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* name, const char* file) -> Result<> {
    for (size_t i = 0; i < list.size(); ++i)
      WARD_TRY(w.write(fmt::format("blockIO.{}[{}]", name, i), "blkio", file,
                       fmt::format("{}:{} {}", list[i].major, list[i].minor, list[i].rate)));
    return {};
  };
  WARD_TRY(throttle(b.throttle_read_bps, "throttleReadBpsDevice", "blkio.throttle.read_bps_device"));
  WARD_TRY(throttle(b.throttle_write_bps, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device"));
  WARD_TRY(throttle(b.throttle_read_iops, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device"));
  WARD_TRY(throttle(b.throttle_write_iops, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device"));
  return {};
}

Result<> set_hugepages(Writer& w, const std::vector<oci::HugepageLimit>& limits) {
  for (size_t i = 0; i < limits.size(); ++i) {
    const auto& limit = limits[i];
    std::string field = fmt::format("hugepageLimits[{}]", i);
    if (!valid_hugepage_size(limit.page_size))
      return fail(fmt::format("linux.resources.{}.pageSize: \"{}\" is not a page size like 2MB", field, limit.page_size));
    // On a hybrid host hugetlb may sit on the unified hierarchy.
    if (!w.has_v1("hugetlb") && !w.unified_directory().empty()) {
      std::string path = fmt::format("{}/hugetlb.{}.max", w.unified_directory(), limit.page_size);
      if (!sys::path_exists(path)) w.delegate_on_unified("hugetlb");
      if (!sys::path_exists(path))
        return fail(fmt::format("linux.resources.{}: hugetlb.{}.max is not available on this host", field, limit.page_size));
      WARD_TRY(sys::write_file(path, std::to_string(limit.limit)));
      continue;
    }
    WARD_TRY(w.write(field, "hugetlb", fmt::format("hugetlb.{}.limit_in_bytes", limit.page_size),
                     std::to_string(limit.limit)));
  }
  return {};
}

}  // namespace

Result<> set_v1(const std::vector<CgroupDirectory>& dirs, const oci::Resources& resources,
                const std::vector<oci::DeviceRule>& allowed_devices, bool always_devices) {
  Writer w(dirs);
  if ((always_devices && !v1_directory(dirs, "devices").empty()) || !resources.devices.empty())
    WARD_TRY(set_devices(w, resources, allowed_devices));
  if (resources.memory) WARD_TRY(set_memory(w, *resources.memory));
  if (resources.cpu) WARD_TRY(set_cpu(w, *resources.cpu));
  if (resources.pids_limit)
    WARD_TRY(w.write("pids.limit", "pids", "pids.max", *resources.pids_limit > 0 ? std::to_string(*resources.pids_limit) : "max"));
  if (resources.block_io) WARD_TRY(set_block_io(w, *resources.block_io));
  WARD_TRY(set_hugepages(w, resources.hugepage_limits));
  if (resources.net_class_id)
    WARD_TRY(w.write("network.classID", "net_cls", "net_cls.classid", std::to_string(*resources.net_class_id)));
  for (size_t i = 0; i < resources.net_priorities.size(); ++i)
    WARD_TRY(w.write(fmt::format("network.priorities[{}]", i), "net_prio", "net_prio.ifpriomap",
                     fmt::format("{} {}", resources.net_priorities[i].name, resources.net_priorities[i].priority)));
  if (!resources.unified.empty()) {
    std::string unified = w.unified_directory();
    for (const auto& [key, value] : resources.unified) {
      if (unified.empty() || !sys::path_exists(unified + "/" + key))
        return fail(fmt::format("linux.resources.unified.{}: not available (cgroup v1 host)", key));
      if (auto r = sys::write_file(unified + "/" + key, value); !r)
        return std::unexpected(r.error().wrap("linux.resources.unified." + key));
    }
  }
  return {};
}

}  // namespace ward::cgroups::detail
