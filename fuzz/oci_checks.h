// Properties of a parsed runtime-spec model that hold for every document
// the parsers accept, whatever the bytes were: the invariants the rest of
// ward relies on without checking again.  Shared by the config, process
// and resources targets.
#pragma once

#include <sys/resource.h>

#include <set>
#include <string>
#include <string_view>

#include "cgroups/convert.h"
#include "fuzz_check.h"
#include "oci/config.h"
#include "oci/mount_options.h"

namespace ward::fuzz {

inline bool absolute(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

inline bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

inline void check_process(const oci::Process& process) {
  WARD_FUZZ_CHECK(!process.args.empty() && !process.args.front().empty(), "process.args empty");
  WARD_FUZZ_CHECK(absolute(process.cwd), "process.cwd \"%s\" not absolute", process.cwd.c_str());
  for (const std::string& variable : process.env)
    WARD_FUZZ_CHECK(variable.find('=') != std::string::npos, "env \"%s\" without =", variable.c_str());
  if (process.user.umask) WARD_FUZZ_CHECK(*process.user.umask <= 0777, "umask %o", *process.user.umask);
  std::set<int> limits;
  for (const oci::Rlimit& limit : process.rlimits) {
    WARD_FUZZ_CHECK(limit.resource >= 0 && limit.resource < RLIM_NLIMITS, "rlimit %d", limit.resource);
    WARD_FUZZ_CHECK(limit.soft <= limit.hard, "rlimit %s soft above hard", limit.name.c_str());
    WARD_FUZZ_CHECK(limits.insert(limit.resource).second, "rlimit %s twice", limit.name.c_str());
  }
  if (process.capabilities) {
    for (const auto* set :
         {&process.capabilities->bounding, &process.capabilities->effective, &process.capabilities->inheritable,
          &process.capabilities->permitted, &process.capabilities->ambient})
      for (int capability : *set) WARD_FUZZ_CHECK(capability >= 0 && capability < 64, "capability %d", capability);
  }
  if (process.oom_score_adj)
    WARD_FUZZ_CHECK(*process.oom_score_adj >= -1000 && *process.oom_score_adj <= 1000, "oomScoreAdj %d",
                    *process.oom_score_adj);
  if (process.scheduler)
    WARD_FUZZ_CHECK(process.scheduler->nice >= -20 && process.scheduler->nice <= 19, "nice %d",
                    process.scheduler->nice);
}

// A cgroup weight conversion lands in the target file's range.
inline void check_io_weight(std::uint64_t weight) {
  std::uint64_t converted = cgroups::blkio_weight_to_io_weight(weight);
  WARD_FUZZ_CHECK(converted >= 1 && converted <= 10000, "blkio weight %llu gives io.weight %llu",
                  static_cast<unsigned long long>(weight), static_cast<unsigned long long>(converted));
}

inline void check_resources(const oci::Resources& resources) {
  for (const oci::DeviceRule& rule : resources.devices) {
    std::string line = cgroups::device_rule_line(rule);
    WARD_FUZZ_CHECK(line.find('\n') == std::string::npos, "device rule line \"%s\"", line.c_str());
    WARD_FUZZ_CHECK(!rule.access.empty() && rule.access.find_first_not_of("rwm") == std::string::npos,
                    "device access \"%s\"", rule.access.c_str());
  }
  if (resources.memory) {
    const auto& memory = *resources.memory;
    for (const auto* size : {&memory.limit, &memory.reservation, &memory.swap, &memory.kernel, &memory.kernel_tcp})
      if (*size) {
        WARD_FUZZ_CHECK(**size == -1 || **size > 0, "memory size %lld", static_cast<long long>(**size));
        std::string v2 = cgroups::v2_limit(**size);
        WARD_FUZZ_CHECK(v2 == "max" || all_digits(v2), "v2 limit \"%s\"", v2.c_str());
      }
    if (memory.swap) {
      std::string swap = cgroups::swap_max(*memory.swap, memory.limit.value_or(-1));
      WARD_FUZZ_CHECK(swap == "max" || all_digits(swap), "memory.swap.max \"%s\"", swap.c_str());
    }
  }
  if (resources.cpu) {
    if (resources.cpu->shares) {
      std::uint64_t weight = cgroups::shares_to_weight(*resources.cpu->shares);
      WARD_FUZZ_CHECK(weight >= 1 && weight <= 10000, "cpu.weight %llu", static_cast<unsigned long long>(weight));
    }
    std::string max = cgroups::cpu_max(resources.cpu->quota, resources.cpu->period);
    WARD_FUZZ_CHECK(max.find('\n') == std::string::npos && max.find(' ') != std::string::npos, "cpu.max \"%s\"",
                    max.c_str());
  }
  if (resources.block_io) {
    const auto& block_io = *resources.block_io;
    if (block_io.weight) check_io_weight(*block_io.weight);
    for (const oci::WeightDevice& device : block_io.weight_devices) {
      WARD_FUZZ_CHECK(device.major >= 0 && device.minor >= 0, "weight device numbers");
      if (device.weight) check_io_weight(*device.weight);
    }
  }
  for (const auto& [key, value] : resources.unified)
    WARD_FUZZ_CHECK(!key.empty() && key.find('/') == std::string::npos && key != "." && key != "..",
                    "unified key \"%s\" is not a file name", key.c_str());
}

inline void check_config(const oci::Config& config) {
  WARD_FUZZ_CHECK(config.oci_version.starts_with("1."), "ociVersion \"%s\"", config.oci_version.c_str());
  WARD_FUZZ_CHECK(!config.root.path.empty(), "root.path empty");
  WARD_FUZZ_CHECK(config.process.has_value(), "process missing");
  check_process(*config.process);
  for (const oci::Mount& mount : config.mounts) {
    WARD_FUZZ_CHECK(absolute(mount.destination), "mount destination \"%s\"", mount.destination.c_str());
    for (const auto* mappings : {&mount.uid_mappings, &mount.gid_mappings})
      for (const oci::IdMapping& mapping : *mappings) WARD_FUZZ_CHECK(mapping.size > 0, "mount id mapping size 0");
    // The options are parsed later, when the mounts are planned; that must
    // not crash on whatever an accepted config holds.
    (void)oci::parse_mount_options(mount.options);
  }
  for (const auto* hooks : {&config.hooks.prestart, &config.hooks.create_runtime, &config.hooks.create_container,
                            &config.hooks.start_container, &config.hooks.poststart, &config.hooks.poststop})
    for (const oci::Hook& hook : *hooks) {
      WARD_FUZZ_CHECK(absolute(hook.path), "hook path \"%s\"", hook.path.c_str());
      WARD_FUZZ_CHECK(!hook.timeout || *hook.timeout > 0, "hook timeout %d", *hook.timeout);
    }
  WARD_FUZZ_CHECK(!config.annotations.contains(""), "empty annotation key");
  std::set<oci::NamespaceKind> kinds;
  for (const oci::Namespace& ns : config.linux.namespaces)
    WARD_FUZZ_CHECK(kinds.insert(ns.kind).second, "namespace %s twice", oci::namespace_kind_name(ns.kind));
  for (const auto* mappings : {&config.linux.uid_mappings, &config.linux.gid_mappings})
    for (const oci::IdMapping& mapping : *mappings) WARD_FUZZ_CHECK(mapping.size > 0, "id mapping size 0");
  for (const oci::Device& device : config.linux.devices)
    WARD_FUZZ_CHECK(device.major >= 0 && device.minor >= 0, "device numbers");
  if (!config.linux.rootfs_propagation.empty())
    WARD_FUZZ_CHECK(oci::parse_propagation(config.linux.rootfs_propagation).has_value(), "rootfsPropagation \"%s\"",
                    config.linux.rootfs_propagation.c_str());
  if (config.linux.resources) check_resources(*config.linux.resources);
}

}  // namespace ward::fuzz
