#include "engine/container_spec_host.h"

namespace ward::engine {

namespace {

using nlohmann::ordered_json;

ordered_json throttle_list(const std::vector<ThrottleDevice>& devices) {
  if (devices.empty()) return nullptr;
  ordered_json list = ordered_json::array();
  for (const auto& device : devices) list.push_back({{"Path", device.path}, {"Rate", device.rate}});
  return list;
}

// Docker's BlkioWeightDevice: {Path, Weight}.
ordered_json weight_list(const std::vector<ThrottleDevice>& devices) {
  if (devices.empty()) return nullptr;
  ordered_json list = ordered_json::array();
  for (const auto& device : devices) list.push_back({{"Path", device.path}, {"Weight", device.rate}});
  return list;
}

std::vector<ThrottleDevice> weight_from(const nlohmann::json& host) {
  std::vector<ThrottleDevice> devices;
  if (!host.contains("BlkioWeightDevice") || !host["BlkioWeightDevice"].is_array()) return devices;
  for (const auto& item : host["BlkioWeightDevice"])
    devices.push_back({item.at("Path").get<std::string>(), item.at("Weight").get<std::uint64_t>()});
  return devices;
}

std::vector<ThrottleDevice> throttle_from(const nlohmann::json& host, const char* name) {
  std::vector<ThrottleDevice> devices;
  if (!host.contains(name) || !host[name].is_array()) return devices;
  for (const auto& item : host[name])
    devices.push_back({item.at("Path").get<std::string>(), item.at("Rate").get<std::uint64_t>()});
  return devices;
}

template <class T>
void read_if_present(const nlohmann::json& object, const char* name, T& out) {
  if (object.contains(name) && !object[name].is_null()) out = object[name].get<T>();
}

}  // namespace

ordered_json list_or_null(const std::vector<std::string>& list) {
  return list.empty() ? ordered_json(nullptr) : ordered_json(list);
}

std::vector<std::string> list_from(const nlohmann::json& object, const char* name) {
  if (!object.contains(name) || !object[name].is_array()) return {};
  return object[name].get<std::vector<std::string>>();
}

void host_options_to_json(const ContainerSpec& spec, ordered_json& config, ordered_json& host) {
  if (spec.no_healthcheck) {
    config["Healthcheck"] = {{"Test", {"NONE"}}};
  } else if (spec.healthcheck) {
    // Docker's HealthConfig: durations in nanoseconds, zero fields left out.
    const image::Healthcheck& check = *spec.healthcheck;
    ordered_json health = {{"Test", check.test}};
    if (check.interval != 0) health["Interval"] = check.interval;
    if (check.timeout != 0) health["Timeout"] = check.timeout;
    if (check.start_period != 0) health["StartPeriod"] = check.start_period;
    if (check.start_interval != 0) health["StartInterval"] = check.start_interval;
    if (check.retries != 0) health["Retries"] = check.retries;
    config["Healthcheck"] = health;
  }
  const ResourceLimits& limits = spec.resources;
  ordered_json ulimits = nullptr;
  for (const auto& ulimit : spec.ulimits) {
    if (ulimits.is_null()) ulimits = ordered_json::array();
    ulimits.push_back({{"Name", ulimit.name}, {"Hard", ulimit.hard}, {"Soft", ulimit.soft}});
  }
  host["Ulimits"] = ulimits;
  host["NanoCpus"] = limits.nano_cpus;
  host["CpuShares"] = limits.cpu_shares;
  host["CpuPeriod"] = limits.cpu_period;
  host["CpuQuota"] = limits.cpu_quota;
  host["CpusetCpus"] = limits.cpuset_cpus;
  host["CpusetMems"] = limits.cpuset_mems;
  host["MemoryReservation"] = limits.memory_reservation;
  host["MemorySwap"] = limits.memory_swap;
  host["MemorySwappiness"] =
      limits.memory_swappiness < 0 ? ordered_json(nullptr) : ordered_json(limits.memory_swappiness);
  host["OomKillDisable"] = limits.oom_kill_disable;
  host["OomScoreAdj"] = spec.oom_score_adj;
  host["BlkioWeight"] = limits.blkio_weight;
  host["BlkioWeightDevice"] = weight_list(limits.blkio_weight_device);
  host["BlkioDeviceReadBps"] = throttle_list(limits.device_read_bps);
  host["BlkioDeviceWriteBps"] = throttle_list(limits.device_write_bps);
  host["BlkioDeviceReadIOps"] = throttle_list(limits.device_read_iops);
  host["BlkioDeviceWriteIOps"] = throttle_list(limits.device_write_iops);
  host["ShmSize"] = spec.shm_size;
  host["Sysctls"] = spec.sysctls.empty() ? ordered_json(nullptr) : ordered_json(spec.sysctls);
  host["GroupAdd"] = list_or_null(spec.group_add);
  host["ExtraHosts"] = list_or_null(spec.extra_hosts);
  host["Dns"] = spec.dns;
  host["DnsOptions"] = spec.dns_options;
  host["DnsSearch"] = spec.dns_search;
  ordered_json devices = ordered_json::array();
  for (const auto& device : spec.devices)
    devices.push_back({{"PathOnHost", device.path_on_host},
                       {"PathInContainer", device.path_in_container},
                       {"CgroupPermissions", device.cgroup_permissions}});
  host["Devices"] = devices;
  host["DeviceCgroupRules"] = list_or_null(spec.device_cgroup_rules);
  host["PidMode"] = spec.pid_mode;
  host["IpcMode"] = spec.ipc_mode.empty() ? "private" : spec.ipc_mode;
  host["UTSMode"] = spec.uts_mode;
  host["CgroupnsMode"] = spec.cgroupns_mode.empty() ? "private" : spec.cgroupns_mode;
  host["CgroupParent"] = spec.cgroup_parent;
  host["Init"] = spec.init ? ordered_json(true) : ordered_json(nullptr);
  host["Annotations"] = spec.annotations.empty() ? ordered_json(nullptr) : ordered_json(spec.annotations);
  ordered_json secrets = nullptr;
  for (const auto& secret : spec.secrets) {
    if (secrets.is_null()) secrets = ordered_json::array();
    secrets.push_back({{"Name", secret.name},
                       {"Target", secret.target},
                       {"UID", secret.uid},
                       {"GID", secret.gid},
                       {"Mode", secret.mode}});
  }
  host["Secrets"] = secrets;
}

void host_options_from_json(const nlohmann::json& config, const nlohmann::json& host, ContainerSpec& spec) {
  read_if_present(config, "Domainname", spec.domainname);
  read_if_present(host, "ShmSize", spec.shm_size);
  if (host.contains("Sysctls") && host["Sysctls"].is_object())
    spec.sysctls = host["Sysctls"].get<std::map<std::string, std::string>>();
  spec.group_add = list_from(host, "GroupAdd");
  spec.extra_hosts = list_from(host, "ExtraHosts");
  spec.dns = list_from(host, "Dns");
  spec.dns_options = list_from(host, "DnsOptions");
  spec.dns_search = list_from(host, "DnsSearch");
  if (host.contains("Devices") && host["Devices"].is_array())
    for (const auto& item : host["Devices"])
      spec.devices.push_back({item.at("PathOnHost").get<std::string>(), item.at("PathInContainer").get<std::string>(),
                              item.at("CgroupPermissions").get<std::string>()});
  spec.device_cgroup_rules = list_from(host, "DeviceCgroupRules");
  if (host.contains("Secrets") && host["Secrets"].is_array())
    for (const auto& item : host["Secrets"])
      spec.secrets.push_back({item.at("Name").get<std::string>(), item.at("Target").get<std::string>(),
                              item.at("UID").get<std::uint32_t>(), item.at("GID").get<std::uint32_t>(),
                              item.at("Mode").get<std::uint32_t>()});
  read_if_present(host, "PidMode", spec.pid_mode);
  read_if_present(host, "IpcMode", spec.ipc_mode);
  if (spec.ipc_mode == "private") spec.ipc_mode.clear();
  read_if_present(host, "UTSMode", spec.uts_mode);
  read_if_present(host, "CgroupnsMode", spec.cgroupns_mode);
  if (spec.cgroupns_mode == "private") spec.cgroupns_mode.clear();
  read_if_present(host, "CgroupParent", spec.cgroup_parent);
  read_if_present(host, "Init", spec.init);
  if (host.contains("Annotations") && host["Annotations"].is_object())
    spec.annotations = host["Annotations"].get<std::map<std::string, std::string>>();
  spec.no_healthcheck = config.contains("Healthcheck") &&
                        config["Healthcheck"].value("Test", nlohmann::json()) == nlohmann::json::array({"NONE"});
  if (!spec.no_healthcheck && config.contains("Healthcheck") && config["Healthcheck"].is_object()) {
    const auto& health = config["Healthcheck"];
    image::Healthcheck& check = spec.healthcheck.emplace();
    check.test = list_from(health, "Test");
    read_if_present(health, "Interval", check.interval);
    read_if_present(health, "Timeout", check.timeout);
    read_if_present(health, "StartPeriod", check.start_period);
    read_if_present(health, "StartInterval", check.start_interval);
    read_if_present(health, "Retries", check.retries);
  }
  ResourceLimits& limits = spec.resources;
  if (host.contains("Ulimits") && host["Ulimits"].is_array())
    for (const auto& item : host["Ulimits"])
      spec.ulimits.push_back({item.at("Name").get<std::string>(), item.at("Soft").get<std::int64_t>(),
                              item.at("Hard").get<std::int64_t>()});
  read_if_present(host, "NanoCpus", limits.nano_cpus);
  read_if_present(host, "CpuShares", limits.cpu_shares);
  read_if_present(host, "CpuPeriod", limits.cpu_period);
  read_if_present(host, "CpuQuota", limits.cpu_quota);
  read_if_present(host, "CpusetCpus", limits.cpuset_cpus);
  read_if_present(host, "CpusetMems", limits.cpuset_mems);
  read_if_present(host, "MemoryReservation", limits.memory_reservation);
  read_if_present(host, "MemorySwap", limits.memory_swap);
  read_if_present(host, "MemorySwappiness", limits.memory_swappiness);
  read_if_present(host, "OomKillDisable", limits.oom_kill_disable);
  read_if_present(host, "OomScoreAdj", spec.oom_score_adj);
  read_if_present(host, "BlkioWeight", limits.blkio_weight);
  limits.blkio_weight_device = weight_from(host);
  limits.device_read_bps = throttle_from(host, "BlkioDeviceReadBps");
  limits.device_write_bps = throttle_from(host, "BlkioDeviceWriteBps");
  limits.device_read_iops = throttle_from(host, "BlkioDeviceReadIOps");
  limits.device_write_iops = throttle_from(host, "BlkioDeviceWriteIOps");
}

}  // namespace ward::engine
