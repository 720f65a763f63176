// Docker's and Podman's inspect records to ContainerDescription.
#include "audit/bench/docker_inspect.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "util/json_reader.h"

namespace ward::audit::bench {

namespace {

using json::Node;

// Docker's default capability set: adding one of these is not adding
// anything (docker-bench leaves them out of 5.4 the same way).
constexpr std::array<std::string_view, 14> kDockerDefaultCapabilities = {
    "CAP_AUDIT_WRITE", "CAP_CHOWN",   "CAP_DAC_OVERRIDE",     "CAP_FOWNER",    "CAP_FSETID",
    "CAP_KILL",        "CAP_MKNOD",   "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",   "CAP_SETFCAP",
    "CAP_SETGID",      "CAP_SETPCAP", "CAP_SETUID",           "CAP_SYS_CHROOT"};

std::string capability_name(std::string_view text) {
  std::string name(text);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  if (name != "ALL" && !name.starts_with("CAP_")) name = "CAP_" + name;
  return name;
}

// A member that must be an object when present.
Result<std::optional<Node>> object_member(const Node& node, std::string_view key) {
  auto member = node.find(key);
  if (!member) return std::optional<Node>{};
  WARD_TRY(member->expect_object());
  return member;
}

template <class T>
Result<T> member_or(const Node& node, std::string_view key, T fallback) {
  WARD_TRY(node.read(key, fallback));
  return fallback;
}

NamespaceMode namespace_mode(std::string_view mode) {
  if (mode == "host") return {NamespaceMode::host, ""};
  if (mode.starts_with("container:") || mode.starts_with("ns:")) return {NamespaceMode::joined, std::string(mode)};
  return {NamespaceMode::private_namespace, ""};
}

// "no-new-privileges", "no-new-privileges:true", "no-new-privileges=true".
bool option_is(std::string_view option, std::string_view name, std::string_view value) {
  if (!option.starts_with(name)) return false;
  option.remove_prefix(name.size());
  if (option.empty()) return value == "true";
  if (option.front() != '=' && option.front() != ':') return false;
  return option.substr(1) == value;
}

Result<> read_security(const Node& record, const Node& host, ContainerDescription& c) {
  c.apparmor_profile = WARD_TRY(member_or<std::string>(record, "AppArmorProfile", ""));
  c.selinux_set = !WARD_TRY(member_or<std::string>(record, "ProcessLabel", "")).empty();
  std::vector<std::string> options;
  WARD_TRY(host.read("SecurityOpt", options));
  for (const std::string& option : options) {
    if (option_is(option, "seccomp", "unconfined")) c.seccomp_unconfined = true;
    if (option_is(option, "no-new-privileges", "true")) c.no_new_privileges = true;
    if (option_is(option, "label", "disable"))
      c.selinux_disabled = true;
    else if (option.starts_with("label=") || option.starts_with("label:"))
      c.selinux_set = true;
  }
  std::vector<std::string> added;
  WARD_TRY(host.read("CapAdd", added));
  for (const std::string& cap : added) {
    std::string name = capability_name(cap);
    if (std::find(kDockerDefaultCapabilities.begin(), kDockerDefaultCapabilities.end(), name) ==
        kDockerDefaultCapabilities.end())
      c.capabilities.push_back(name);
  }
  c.privileged = WARD_TRY(member_or(host, "Privileged", false));
  return {};
}

Result<> read_mounts(const Node& record, ContainerDescription& c) {
  return record.read_array("Mounts", c.mounts, [](const Node& m) -> Result<ContainerMount> {
    WARD_TRY(m.expect_object());
    ContainerMount mount;
    mount.type = WARD_TRY(member_or<std::string>(m, "Type", ""));
    mount.source = WARD_TRY(member_or<std::string>(m, "Source", ""));
    mount.destination = WARD_TRY(member_or<std::string>(m, "Destination", ""));
    mount.read_write = WARD_TRY(member_or(m, "RW", true));
    mount.propagation = WARD_TRY(member_or<std::string>(m, "Propagation", ""));
    return mount;
  });
}

// {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "81/tcp": null}
Result<std::vector<PublishedPort>> read_ports(const Node& map) {
  WARD_TRY(map.expect_object());
  std::vector<PublishedPort> out;
  for (auto it = map.value().begin(); it != map.value().end(); ++it) {
    Node bindings(it.value(), map.member_path(it.key()));
    if (bindings.value().is_null()) continue;
    WARD_TRY(bindings.expect_array());
    for (std::size_t i = 0; i < bindings.size(); ++i) {
      Node binding = bindings.element(i);
      WARD_TRY(binding.expect_object());
      PublishedPort port;
      port.container_port = it.key();
      port.host_ip = WARD_TRY(member_or<std::string>(binding, "HostIp", ""));
      std::string text = WARD_TRY(member_or<std::string>(binding, "HostPort", ""));
      if (!text.empty()) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port.host_port);
        if (ec != std::errc() || end != text.data() + text.size() || port.host_port < 0 || port.host_port > 65535)
          return binding.error(fmt::format("HostPort: \"{}\" is not a port number", text));
      }
      out.push_back(std::move(port));
    }
  }
  return out;
}

Result<> read_health(const Node& record, ContainerDescription& c) {
  // A status once the check has run; before that, the configured test.
  std::string status;
  if (auto state = WARD_TRY(object_member(record, "State"))) {
    for (std::string_view key : {"Health", "Healthcheck"})
      if (auto health = WARD_TRY(object_member(*state, key)); health && status.empty())
        status = WARD_TRY(member_or<std::string>(*health, "Status", ""));
  }
  if (status.empty())
    if (auto config = WARD_TRY(object_member(record, "Config")))
      if (auto check = WARD_TRY(object_member(*config, "Healthcheck"))) {
        std::vector<std::string> test;
        WARD_TRY(check->read("Test", test));
        if (!test.empty() && test.front() != "NONE") status = "configured";
      }
  c.health = status;
  return {};
}

Result<ContainerDescription> describe(const Node& record) {
  WARD_TRY(record.expect_object());
  ContainerDescription c;
  const auto& value = record.value();
  bool podman = value.contains("OCIRuntime") || value.contains("ConmonPidFile") || value.contains("EffectiveCaps");
  c.origin = podman ? "podman inspect" : "docker inspect";
  c.name = WARD_TRY(member_or<std::string>(record, "Name", ""));
  if (c.name.starts_with('/')) c.name.erase(0, 1);
  if (c.name.empty()) c.name = WARD_TRY(member_or<std::string>(record, "Id", "")).substr(0, 12);
  if (c.name.empty()) return record.error("a container record with neither Name nor Id");

  auto host = WARD_TRY(record.require("HostConfig"));
  WARD_TRY(host.expect_object());
  WARD_TRY(read_security(record, host, c));
  WARD_TRY(read_mounts(record, c));

  std::string path = WARD_TRY(member_or<std::string>(record, "Path", ""));
  if (!path.empty()) c.command.push_back(path);
  std::vector<std::string> args;
  WARD_TRY(record.read("Args", args));
  c.command.insert(c.command.end(), args.begin(), args.end());

  // Published ports: what the engine bound, else what was asked for.
  std::optional<Node> ports;
  auto settings = WARD_TRY(object_member(record, "NetworkSettings"));
  if (settings) ports = settings->find("Ports");
  if (!ports) ports = host.find("PortBindings");
  c.ports = ports ? WARD_TRY(read_ports(*ports)) : std::vector<PublishedPort>{};
  if (settings)
    if (auto networks = WARD_TRY(object_member(*settings, "Networks"))) {
      c.networks.emplace();
      for (auto it = networks->value().begin(); it != networks->value().end(); ++it) c.networks->push_back(it.key());
    }
  if (!c.networks) {
    std::string mode = WARD_TRY(member_or<std::string>(host, "NetworkMode", ""));
    // Docker's "default" network mode is the default bridge.
    c.networks = std::vector<std::string>{mode == "default" ? "bridge" : mode};
  }

  c.network = namespace_mode(WARD_TRY(member_or<std::string>(host, "NetworkMode", "")));
  c.pid = namespace_mode(WARD_TRY(member_or<std::string>(host, "PidMode", "")));
  c.ipc = namespace_mode(WARD_TRY(member_or<std::string>(host, "IpcMode", "")));
  c.uts = namespace_mode(WARD_TRY(member_or<std::string>(host, "UTSMode", "")));
  c.user = namespace_mode(WARD_TRY(member_or<std::string>(host, "UsernsMode", "")));

  c.memory_limit = WARD_TRY(member_or<std::int64_t>(host, "Memory", 0));
  c.cpu_shares = WARD_TRY(member_or<std::int64_t>(host, "CpuShares", 0));
  c.nano_cpus = WARD_TRY(member_or<std::int64_t>(host, "NanoCpus", 0));
  c.cpu_quota = WARD_TRY(member_or<std::int64_t>(host, "CpuQuota", 0));
  c.read_only_rootfs = WARD_TRY(member_or(host, "ReadonlyRootfs", false));
  c.pids_limit = WARD_TRY(member_or<std::int64_t>(host, "PidsLimit", 0));
  c.cgroup_parent = WARD_TRY(member_or<std::string>(host, "CgroupParent", ""));

  RestartPolicy restart;
  if (auto policy = WARD_TRY(object_member(host, "RestartPolicy"))) {
    restart.name = WARD_TRY(member_or<std::string>(*policy, "Name", ""));
    restart.maximum_retry_count = WARD_TRY(member_or(*policy, "MaximumRetryCount", 0));
  }
  c.restart = restart;

  WARD_TRY(host.read_array("Devices", c.devices, [](const Node& d) -> Result<std::string> {
    WARD_TRY(d.expect_object());
    std::string on_host = WARD_TRY(member_or<std::string>(d, "PathOnHost", ""));
    std::string inside = WARD_TRY(member_or<std::string>(d, "PathInContainer", ""));
    return inside.empty() || inside == on_host ? on_host : fmt::format("{}:{}", on_host, inside);
  }));
  c.ulimits.emplace();
  WARD_TRY(host.read_array("Ulimits", *c.ulimits, [](const Node& u) -> Result<std::string> {
    WARD_TRY(u.expect_object());
    return u.required<std::string>("Name");
  }));
  WARD_TRY(read_health(record, c));
  return c;
}

}  // namespace

Result<std::vector<ContainerDescription>> parse_docker_inspect(std::string_view text) {
  try {
    auto document = WARD_TRY(json::parse(text));
    Node root(document, "");
    std::vector<ContainerDescription> out;
    if (document.is_object()) {
      out.push_back(WARD_TRY(describe(root)));
      return out;
    }
    if (!document.is_array())
      return fail(ErrorKind::invalid_input,
                  fmt::format("expected an array of container records (docker inspect's output), got {}",
                              json::kind_name(document)));
    if (document.empty()) return fail(ErrorKind::invalid_input, "an empty array: no container to audit");
    for (std::size_t i = 0; i < root.size(); ++i) {
      auto container = describe(root.element(i));
      if (!container) return std::unexpected(container.error().as(ErrorKind::invalid_input));
      out.push_back(std::move(*container));
    }
    return out;
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("unexpected JSON: {}", error.what()));
  }
}

}  // namespace ward::audit::bench
