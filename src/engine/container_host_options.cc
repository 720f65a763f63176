// The flags that change the container's kernel view beyond its limits:
// the size of /dev/shm, namespaced sysctls, the NIS domain name.
#include <sys/statfs.h>

#include <algorithm>

#include <fmt/format.h>

#include "engine/container_config_parts.h"
#include "util/sys.h"

namespace ward::engine {

namespace {

using nlohmann::json;

constexpr long kMqueueMagic = 0x19800202;  // MQUEUE_MAGIC

void apply_shm_size(const ContainerSpec& spec, json& mounts) {
  for (auto& mount : mounts) {
    if (mount["destination"] != "/dev/shm") continue;
    json options = json::array();
    for (const auto& option : mount["options"])
      if (!option.get<std::string>().starts_with("size=")) options.push_back(option);
    options.push_back(fmt::format("size={}", spec.shm_size));
    mount["options"] = options;
  }
}

// In its own user namespace the container may not mount a proc or
// mqueue of the host's namespaces: it gets the host's, bound.
void bind_host_filesystem(json& mounts, const std::string& destination) {
  for (auto& mount : mounts)
    if (mount["destination"] == destination)
      mount = {{"destination", destination},
               {"type", "bind"},
               {"source", destination},
               {"options", {"rbind", "nosuid", "nodev", "noexec"}}};
}

// --pid host, --ipc host, --uts host: the host's namespace instead of one
// of the container's own.
Result<> apply_namespace_modes(const ContainerSpec& spec, const ConfigInputs& inputs, json& config) {
  json& linux_section = config["linux"];
  bool own_user_namespace = inputs.ids.has_value();
  if (spec.pid_mode == "host") {
    remove_namespace(linux_section, "pid");
    if (own_user_namespace) bind_host_filesystem(config["mounts"], "/proc");
  }
  if (spec.ipc_mode == "host") {
    remove_namespace(linux_section, "ipc");
    if (own_user_namespace) {
      // The host's message queues where it has them mounted; else none.
      struct statfs fs {};
      if (::statfs("/dev/mqueue", &fs) == 0 && static_cast<long>(fs.f_type) == kMqueueMagic) {
        bind_host_filesystem(config["mounts"], "/dev/mqueue");
      } else {
        auto& mounts = config["mounts"];
        mounts.erase(std::remove_if(mounts.begin(), mounts.end(),
                                    [](const json& m) { return m["destination"] == "/dev/mqueue"; }),
                     mounts.end());
      }
    }
    for (const auto& [key, value] : spec.sysctls)
      if (key.starts_with("kernel.") || key.starts_with("fs.mqueue."))
        return fail(ErrorKind::invalid_input,
                    fmt::format("--sysctl {}={}: not allowed in the host's IPC namespace (--ipc host)", key, value));
  }
  if (spec.ipc_mode == "none") {
    auto& mounts = config["mounts"];
    mounts.erase(
        std::remove_if(mounts.begin(), mounts.end(), [](const json& m) { return m["destination"] == "/dev/shm"; }),
        mounts.end());
  }
  // The cgroup bound at /sys/fs/cgroup is still the container's own: the
  // host's namespace shows its place in the host's tree (/proc/self/cgroup).
  if (spec.cgroupns_mode == "host") remove_namespace(linux_section, "cgroup");
  if (spec.uts_mode == "host") {
    remove_namespace(linux_section, "uts");
    // The host's names are not the container's to set.
    config.erase("hostname");
    config.erase("domainname");
  }
  return {};
}

// --init: Debian's static tini (package tini), bound read-only where
// Docker puts its init, runs the container's command as its child: it
// reaps orphans and forwards signals to it.
constexpr const char* kInitOnHost = "/usr/bin/tini-static";
constexpr const char* kInitInContainer = "/sbin/docker-init";

Result<> apply_init(json& config) {
  if (!sys::path_exists(kInitOnHost))
    return fail(ErrorKind::not_found, fmt::format("--init: {} is missing: install Debian's tini package", kInitOnHost));
  json args = json::array({kInitInContainer, "--"});
  for (const auto& arg : config["process"]["args"]) args.push_back(arg);
  config["process"]["args"] = args;
  config["mounts"].push_back({{"destination", kInitInContainer},
                              {"type", "bind"},
                              {"source", kInitOnHost},
                              {"options", {"bind", "ro", "nosuid", "nodev"}}});
  return {};
}

}  // namespace

Result<> apply_host_options(const ContainerSpec& spec, const ConfigInputs& inputs, json& config) {
  apply_shm_size(spec, config["mounts"]);
  json& linux_section = config["linux"];
  for (const auto& [key, value] : spec.sysctls) {
    // net.* is the container's own network namespace's; with the host's
    // it would change the host (the flag refuses that; a record is checked again).
    if (key.starts_with("net.") && spec.network == NetworkMode::host)
      return fail(
          ErrorKind::invalid_input,
          fmt::format("--sysctl {}={}: not allowed in the host's network namespace (--network host)", key, value));
    linux_section["sysctl"][key] = value;
  }
  if (!spec.domainname.empty()) config["domainname"] = spec.domainname;
  if (spec.init) WARD_TRY(apply_init(config));
  for (const auto& [key, value] : spec.annotations) config["annotations"][key] = value;
  return apply_namespace_modes(spec, inputs, config);
}

}  // namespace ward::engine
