// The limits of a container's flags in the OCI config: rlimits for
// --ulimit, linux.resources for the cgroup flags (the runtime writes them
// to cgroup v1 or v2 files, whichever the host has).
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "engine/container_config_parts.h"

namespace ward::engine {

namespace {

using nlohmann::json;

// Docker's CFS period for --cpus, in microseconds.
constexpr std::int64_t kCpusPeriod = 100000;

json rlimit_value(std::int64_t value) {
  if (value < 0) return std::numeric_limits<std::uint64_t>::max();  // RLIM_INFINITY
  return static_cast<std::uint64_t>(value);
}

void apply_ulimits(const ContainerSpec& spec, json& process) {
  if (spec.ulimits.empty()) return;
  json rlimits = json::array();
  for (const auto& ulimit : spec.ulimits) {
    std::string type = "RLIMIT_";
    for (char c : ulimit.name) type += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    rlimits.push_back({{"type", type}, {"hard", rlimit_value(ulimit.hard)}, {"soft", rlimit_value(ulimit.soft)}});
  }
  // ward's default nofile stays unless --ulimit nofile replaces it.
  for (const auto& old : process.value("rlimits", json::array()))
    if (std::none_of(rlimits.begin(), rlimits.end(), [&](const json& r) { return r["type"] == old["type"]; }))
      rlimits.push_back(old);
  process["rlimits"] = rlimits;
}

void apply_cpu(const ResourceLimits& limits, json& resources) {
  json cpu = json::object();
  if (limits.nano_cpus > 0) {
    cpu["period"] = kCpusPeriod;
    cpu["quota"] = limits.nano_cpus * kCpusPeriod / 1000000000;
  }
  if (limits.cpu_period > 0) cpu["period"] = limits.cpu_period;
  if (limits.cpu_quota != 0) cpu["quota"] = limits.cpu_quota;
  if (limits.cpu_shares > 0) cpu["shares"] = limits.cpu_shares;
  if (!limits.cpuset_cpus.empty()) cpu["cpus"] = limits.cpuset_cpus;
  if (!limits.cpuset_mems.empty()) cpu["mems"] = limits.cpuset_mems;
  if (!cpu.empty()) resources["cpu"] = cpu;
}

void apply_memory(const ContainerSpec& spec, json& resources) {
  const ResourceLimits& limits = spec.resources;
  json memory = json::object();
  if (spec.memory > 0) {
    memory["limit"] = spec.memory;
    // ward's default: no swap beyond the limit (Docker gives as much again).
    memory["swap"] = limits.memory_swap != 0 ? limits.memory_swap : spec.memory;
  }
  if (limits.memory_reservation > 0) memory["reservation"] = limits.memory_reservation;
  if (limits.memory_swappiness >= 0) memory["swappiness"] = limits.memory_swappiness;
  if (limits.oom_kill_disable) memory["disableOOMKiller"] = true;
  if (!memory.empty()) resources["memory"] = memory;
}

// The OCI list of devices with a `field` (rate or weight) each.
Result<json> throttle_list(const std::vector<ThrottleDevice>& devices, std::string_view flag,
                           const char* field = "rate") {
  json list = json::array();
  for (const auto& device : devices) {
    struct stat st {};
    if (::stat(device.path.c_str(), &st) < 0)
      return fail_errno(errno, fmt::format("{} {}:{}", flag, device.path, device.rate));
    if (!S_ISBLK(st.st_mode))
      return fail(ErrorKind::invalid_input, fmt::format("{} {}: not a block device", flag, device.path));
    list.push_back({{"major", major(st.st_rdev)}, {"minor", minor(st.st_rdev)}, {field, device.rate}});
  }
  return list;
}

Result<> apply_block_io(const ResourceLimits& limits, json& resources) {
  json block_io = json::object();
  if (limits.blkio_weight > 0) block_io["weight"] = limits.blkio_weight;
  if (!limits.blkio_weight_device.empty())
    block_io["weightDevice"] = WARD_TRY(throttle_list(limits.blkio_weight_device, "--blkio-weight-device", "weight"));
  struct Throttle {
    const std::vector<ThrottleDevice>& devices;
    const char* flag;
    const char* field;
  };
  for (const Throttle& throttle :
       {Throttle{limits.device_read_bps, "--device-read-bps", "throttleReadBpsDevice"},
        Throttle{limits.device_write_bps, "--device-write-bps", "throttleWriteBpsDevice"},
        Throttle{limits.device_read_iops, "--device-read-iops", "throttleReadIOPSDevice"},
        Throttle{limits.device_write_iops, "--device-write-iops", "throttleWriteIOPSDevice"}})
    if (!throttle.devices.empty()) block_io[throttle.field] = WARD_TRY(throttle_list(throttle.devices, throttle.flag));
  if (!block_io.empty()) resources["blockIO"] = block_io;
  return {};
}

}  // namespace

Result<> apply_resource_limits(const ContainerSpec& spec, json& config) {
  json& process = config["process"];
  apply_ulimits(spec, process);
  if (spec.oom_score_adj != 0) process["oomScoreAdj"] = spec.oom_score_adj;
  json& resources = config["linux"]["resources"];
  apply_cpu(spec.resources, resources);
  apply_memory(spec, resources);
  WARD_TRY(apply_block_io(spec.resources, resources));
  return {};
}

}  // namespace ward::engine
