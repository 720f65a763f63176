// "linux.resources": the cgroup limits, read into oci::Resources for
// src/cgroups.  Only shape and obvious ranges are checked here; what a
// given cgroup version can express is the cgroups module's call.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "oci/config.h"
#include "oci/config_sections.h"
#include "util/json_reader.h"

namespace ward::oci::detail {

namespace {

using json::Node;

Result<DeviceRule> parse_device_rule(const Node& node) {
  WARD_TRY(node.expect_object());
  DeviceRule rule;
  auto allow = WARD_TRY(node.required<bool>("allow"));
  rule.allow = allow;

  std::string type = "a";
  WARD_TRY(node.read("type", type));
  if (type.size() != 1 || std::string_view("acb").find(type.front()) == std::string_view::npos)
    return fail(fmt::format("{}: unknown device type \"{}\" (expected a, c or b)", node.member_path("type"), type));
  rule.type = type.front();

  WARD_TRY(node.read("major", rule.major));
  WARD_TRY(node.read("minor", rule.minor));
  // -1 is how some tools spell the wildcard "*"; anything lower is a mistake.
  for (auto [key, number] : {std::pair{"major", &rule.major}, std::pair{"minor", &rule.minor}}) {
    if (*number && **number < -1)
      return fail(fmt::format("{}: {} is not a device number", node.member_path(key), **number));
  }

  WARD_TRY(node.read("access", rule.access));
  for (char right : rule.access) {
    if (right != 'r' && right != 'w' && right != 'm')
      return fail(fmt::format("{}: \"{}\" is not a combination of r, w and m", node.member_path("access"),
                              rule.access));
  }
  // The spec leaves access optional; absent means every right, so that
  // {"allow": false} denies everything rather than nothing.
  if (rule.access.empty()) rule.access = "rwm";
  return rule;
}

Result<MemoryResources> parse_memory(const Node& node) {
  WARD_TRY(node.expect_object());
  MemoryResources memory;
  const std::pair<const char*, std::optional<std::int64_t>*> sizes[] = {
      {"limit", &memory.limit},   {"reservation", &memory.reservation}, {"swap", &memory.swap},
      {"kernel", &memory.kernel}, {"kernelTCP", &memory.kernel_tcp},
  };
  for (const auto& [key, out] : sizes) {
    WARD_TRY(node.read(key, *out));
    // -1 means "no limit"; the cgroup files take nothing else below zero.
    if (*out && **out < -1)
      return fail(fmt::format("{}: {} is not a byte count or -1 (unlimited)", node.member_path(key), **out));
    // 0 is "not set" to runc and to Docker, whose `update` sends
    // {"reservation": 0, "kernel": 0} and, for a container without a
    // memory limit, {"limit": 0}; no cgroup takes a limit of 0 bytes.
    if (*out == 0) out->reset();
  }
  WARD_TRY(node.read("swappiness", memory.swappiness));
  if (memory.swappiness && *memory.swappiness > 100)
    return fail(fmt::format("{}: {} is out of range (0 to 100)", node.member_path("swappiness"), *memory.swappiness));
  WARD_TRY(node.read("disableOOMKiller", memory.disable_oom_killer));
  WARD_TRY(node.read("useHierarchy", memory.use_hierarchy));
  WARD_TRY(node.read("checkBeforeUpdate", memory.check_before_update));
  return memory;
}

Result<CpuResources> parse_cpu(const Node& node) {
  WARD_TRY(node.expect_object());
  CpuResources cpu;
  WARD_TRY(node.read("shares", cpu.shares));
  WARD_TRY(node.read("quota", cpu.quota));
  WARD_TRY(node.read("burst", cpu.burst));
  WARD_TRY(node.read("period", cpu.period));
  // Docker writes {"shares": 0, "quota": 0, "period": 0} for "not set", as
  // runc reads them; the kernel would clamp a written share of 0 to 2, the
  // smallest there is, and refuses a quota or period of 0.
  if (cpu.shares == 0u) cpu.shares.reset();
  if (cpu.quota == 0) cpu.quota.reset();
  if (cpu.period == 0u) cpu.period.reset();
  WARD_TRY(node.read("realtimeRuntime", cpu.realtime_runtime));
  WARD_TRY(node.read("realtimePeriod", cpu.realtime_period));
  WARD_TRY(node.read("cpus", cpu.cpus));
  WARD_TRY(node.read("mems", cpu.mems));
  WARD_TRY(node.read("idle", cpu.idle));
  return cpu;
}

// The major:minor every per-device block I/O entry starts with.
Result<> read_block_device(const Node& node, std::int64_t& major, std::int64_t& minor) {
  WARD_TRY(node.expect_object());
  auto major_value = WARD_TRY(node.required<std::int64_t>("major"));
  auto minor_value = WARD_TRY(node.required<std::int64_t>("minor"));
  if (major_value < 0 || minor_value < 0)
    return node.error(fmt::format("device numbers must not be negative, got {}:{}", major_value, minor_value));
  major = major_value;
  minor = minor_value;
  return {};
}

// A weight of 0 is outside the kernel's range (10 to 1000) and means "not
// set" to Docker, which always sends "blockIO": {"weight": 0}, and to runc
// and crun, which skip it; ward does too rather than fail on every host
// without blkio.weight.  Any other weight outside the range is refused here,
// by name, rather than by the kernel when the cgroup is written (and on
// cgroup v2 the conversion to io.weight would not be defined for it).
Result<> check_weights(const Node& node, std::optional<std::uint16_t>& weight,
                       std::optional<std::uint16_t>& leaf_weight) {
  for (auto [key, value] : {std::pair{"weight", &weight}, std::pair{"leafWeight", &leaf_weight}}) {
    if (*value == 0u) value->reset();
    if (*value && (**value < 10 || **value > 1000))
      return fail(fmt::format("{}: {} is out of range (10 to 1000, or 0 for not set)", node.member_path(key), **value));
  }
  return {};
}

Result<WeightDevice> parse_weight_device(const Node& node) {
  WeightDevice device;
  WARD_TRY(read_block_device(node, device.major, device.minor));
  WARD_TRY(node.read("weight", device.weight));
  WARD_TRY(node.read("leafWeight", device.leaf_weight));
  WARD_TRY(check_weights(node, device.weight, device.leaf_weight));
  return device;
}

Result<ThrottleDevice> parse_throttle_device(const Node& node) {
  ThrottleDevice device;
  WARD_TRY(read_block_device(node, device.major, device.minor));
  auto rate = WARD_TRY(node.required<std::uint64_t>("rate"));
  device.rate = rate;
  return device;
}

Result<BlockIoResources> parse_block_io(const Node& node) {
  WARD_TRY(node.expect_object());
  BlockIoResources block_io;
  WARD_TRY(node.read("weight", block_io.weight));
  WARD_TRY(node.read("leafWeight", block_io.leaf_weight));
  WARD_TRY(check_weights(node, block_io.weight, block_io.leaf_weight));
  WARD_TRY(node.read_array("weightDevice", block_io.weight_devices, parse_weight_device));
  const std::pair<const char*, std::vector<ThrottleDevice>*> throttles[] = {
      {"throttleReadBpsDevice", &block_io.throttle_read_bps},
      {"throttleWriteBpsDevice", &block_io.throttle_write_bps},
      {"throttleReadIOPSDevice", &block_io.throttle_read_iops},
      {"throttleWriteIOPSDevice", &block_io.throttle_write_iops},
  };
  for (const auto& [key, out] : throttles) WARD_TRY(node.read_array(key, *out, parse_throttle_device));
  return block_io;
}

Result<HugepageLimit> parse_hugepage_limit(const Node& node) {
  WARD_TRY(node.expect_object());
  HugepageLimit limit;
  auto page_size = WARD_TRY(node.required<std::string>("pageSize"));
  // It becomes part of a cgroup file name (hugetlb.2MB.limit_in_bytes).
  if (page_size.empty() || page_size.find_first_of("/.") != std::string::npos)
    return fail(fmt::format("{}: \"{}\" is not a page size such as \"2MB\"", node.member_path("pageSize"), page_size));
  limit.page_size = std::move(page_size);
  auto bytes = WARD_TRY(node.required<std::uint64_t>("limit"));
  limit.limit = bytes;
  return limit;
}

Result<NetworkPriority> parse_network_priority(const Node& node) {
  WARD_TRY(node.expect_object());
  NetworkPriority priority;
  priority.name = WARD_TRY(node.required<std::string>("name"));
  auto value = WARD_TRY(node.required<std::uint32_t>("priority"));
  priority.priority = value;
  return priority;
}

}  // namespace

Result<Resources> parse_resources(const Node& node) {
  WARD_TRY(node.expect_object());
  Resources resources;
  WARD_TRY(node.read_array("devices", resources.devices, parse_device_rule));
  if (auto memory = node.find("memory")) {
    auto parsed = WARD_TRY(parse_memory(*memory));
    resources.memory = parsed;
  }
  if (auto cpu = node.find("cpu")) {
    resources.cpu = WARD_TRY(parse_cpu(*cpu));
  }
  if (auto pids = node.find("pids")) {
    WARD_TRY(pids->expect_object());
    WARD_TRY(pids->read("limit", resources.pids_limit));
  }
  if (auto block_io = node.find("blockIO")) {
    resources.block_io = WARD_TRY(parse_block_io(*block_io));
  }
  WARD_TRY(node.read_array("hugepageLimits", resources.hugepage_limits, parse_hugepage_limit));
  if (auto network = node.find("network")) {
    WARD_TRY(network->expect_object());
    WARD_TRY(network->read("classID", resources.net_class_id));
    WARD_TRY(network->read_array("priorities", resources.net_priorities, parse_network_priority));
  }
  // No rdma controller on the hosts ward supports yet: refused, not ignored.
  if (auto rdma = node.find("rdma")) {
    WARD_TRY(rdma->expect_object());
    if (rdma->size() > 0)
      return fail(fmt::format("{}: rdma cgroup limits are not supported by this ward-oci version",
                              node.member_path("rdma")));
  }
  WARD_TRY(node.read("unified", resources.unified));
  for (const auto& [key, value] : resources.unified) {
    // Each key names a file in the container's cgroup directory.
    if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
      return fail(fmt::format("{}[\"{}\"]: not a cgroup file name", node.member_path("unified"), key));
  }
  return resources;
}

}  // namespace ward::oci::detail
