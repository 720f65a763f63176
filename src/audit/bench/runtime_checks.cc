// The section 5 checks.  Each looks at one container and says PASS, WARN
// or INFO (when the input does not carry what it needs); the section's
// result for a check is its worst container, with those containers as items.
#include "audit/bench/runtime_checks.h"

#include <algorithm>
#include <array>
#include <functional>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/bench/catalog.h"

namespace ward::audit::bench {

namespace {

struct Verdict {
  Level level = Level::pass;
  std::string why;  // what is wrong or unknown; "" names just the container
};

using Verdicts = std::vector<Verdict>;
using ContainerCheck = std::function<Verdicts(const ContainerDescription&)>;

Verdicts pass() {
  return {};
}
Verdicts warn(std::string why = {}) {
  return {Verdict{Level::warn, std::move(why)}};
}
Verdicts info(std::string why = {}) {
  return {Verdict{Level::info, std::move(why)}};
}

// The result of check `id` over every container: WARN when one warns, else
// INFO when one cannot be judged (or, for unscored checks, is only worth
// telling), else PASS.  `summary` opens the details, as docker-bench's do.
CheckResult over_containers(std::string_view id, std::string_view summary, const std::vector<ContainerDescription>& all,
                            const ContainerCheck& check) {
  std::vector<std::string> warned;
  std::vector<std::string> informed;
  for (const ContainerDescription& c : all)
    for (const Verdict& v : check(c)) {
      if (v.level == Level::pass) continue;
      std::string item = v.why.empty() ? c.name : fmt::format("{}: {}", c.name, v.why);
      (v.level == Level::warn ? warned : informed).push_back(std::move(item));
    }
  // The details are made before the items move into the result.
  if (!warned.empty()) {
    std::string details = fmt::format("{}: {}", summary, fmt::join(warned, "; "));
    return make_result(id, Level::warn, std::move(details), std::move(warned));
  }
  if (!informed.empty()) {
    std::string details = fmt::format("{}: {}", summary, fmt::join(informed, "; "));
    return make_result(id, Level::info, std::move(details), std::move(informed));
  }
  return make_result(id, Level::pass);
}

std::string_view base_name(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The host directories CIS names as sensitive; a mount of one of them, or
// of anything under one, read-write, lets the container change the host.
bool sensitive_host_path(std::string_view path) {
  constexpr std::array<std::string_view, 7> kSensitive = {"/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"};
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return true;
  return std::any_of(kSensitive.begin(), kSensitive.end(), [&](std::string_view dir) {
    return path == dir || (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/');
  });
}

bool engine_socket(std::string_view path) {
  constexpr std::array<std::string_view, 5> kSockets = {"docker.sock", "containerd.sock", "podman.sock", "crio.sock",
                                                        "ward.sock"};
  return std::find(kSockets.begin(), kSockets.end(), base_name(path)) != kSockets.end();
}

bool bind_mount(const ContainerMount& m) {
  return m.type == "bind" || m.type.empty();
}

Verdicts namespace_verdict(const NamespaceMode& mode) {
  switch (mode.kind) {
    case NamespaceMode::host: return warn();
    case NamespaceMode::joined:
      return info(fmt::format("joins {}; whose namespace that is cannot be told", mode.target));
    case NamespaceMode::private_namespace: return pass();
  }
  return pass();
}

bool runs_sshd(const std::string& command_line) {
  // The program's name, not any word: "sshd" or "sshd: user@pts/0".
  std::string_view first = command_line;
  first = first.substr(0, first.find(' '));
  std::string_view name = base_name(first);
  return name == "sshd" || name.starts_with("sshd:") || command_line.starts_with("sshd:");
}

std::string port_text(const PublishedPort& p) {
  return fmt::format("{} -> {}:{}", p.container_port, p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.host_port);
}

bool oci(const ContainerDescription& c) {
  return c.origin == "OCI config";
}

// 5.2 to 5.14: profiles, privileges, host directories, sshd, ports, the
// network namespace and resource limits.
void add_confinement_and_resource_checks(std::vector<CheckResult>& out, const std::vector<ContainerDescription>& all) {
  out.push_back(over_containers("5.2", "Containers with no AppArmor profile", all, [](const ContainerDescription& c) {
    if (c.apparmor_profile.empty()) return warn();
    if (c.apparmor_profile == "unconfined") return warn("unconfined");
    return pass();
  }));
  out.push_back(over_containers("5.3", "Containers with no SELinux options", all, [](const ContainerDescription& c) {
    if (c.selinux_disabled) return warn("label=disable");
    return c.selinux_set ? pass() : warn();
  }));
  out.push_back(
      over_containers("5.4", "Capabilities added beyond the defaults", all, [](const ContainerDescription& c) {
        if (c.capabilities.empty()) return pass();
        return warn(fmt::format("{}", fmt::join(c.capabilities, " ")));
      }));
  out.push_back(over_containers("5.5", "Privileged containers", all, [](const ContainerDescription& c) {
    if (!c.privileged) return info("an OCI config has no privileged flag; 5.4, 5.18 and 5.22 check its parts");
    return *c.privileged ? warn() : pass();
  }));
  out.push_back(
      over_containers("5.6", "Sensitive host directories mounted writable", all, [](const ContainerDescription& c) {
        Verdicts v;
        for (const ContainerMount& m : c.mounts)
          if (bind_mount(m) && m.read_write && sensitive_host_path(m.source))
            v.push_back(Verdict{Level::warn, fmt::format("{} on {}", m.source, m.destination)});
        return v;
      }));
  out.push_back(over_containers("5.7", "Containers running sshd", all, [](const ContainerDescription& c) {
    if (c.processes) {
      for (const std::string& p : *c.processes)
        if (runs_sshd(p)) return warn(p);
      return pass();
    }
    if (!c.command.empty() && base_name(c.command.front()) == "sshd") return warn("its command is sshd");
    if (c.origin == "ward") return info("it does not run, and its command is not sshd");
    return info("its processes cannot be seen in this input (only its command, which is not sshd)");
  }));
  out.push_back(over_containers("5.8", "Privileged host ports mapped", all, [](const ContainerDescription& c) {
    if (!c.ports) return info("an OCI config publishes no ports; the engine that runs it does");
    Verdicts v;
    for (const PublishedPort& p : *c.ports)
      if (p.host_port > 0 && p.host_port < 1024) v.push_back(Verdict{Level::warn, port_text(p)});
    return v;
  }));
  out.push_back(make_result("5.9", Level::note, "which ports a service needs is for its owner to judge"));
  out.push_back(over_containers("5.10", "Containers sharing the host's network namespace", all,
                                [](const ContainerDescription& c) { return namespace_verdict(c.network); }));
  out.push_back(over_containers("5.11", "Containers without a memory limit", all,
                                [](const ContainerDescription& c) { return c.memory_limit > 0 ? pass() : warn(); }));
  out.push_back(
      over_containers("5.12", "Containers without CPU shares or a CPU limit", all, [](const ContainerDescription& c) {
        return c.cpu_shares > 0 || c.nano_cpus > 0 || c.cpu_quota > 0 ? pass() : warn();
      }));
  out.push_back(over_containers("5.13", "Containers with a writable root filesystem", all,
                                [](const ContainerDescription& c) { return c.read_only_rootfs ? pass() : warn(); }));
  out.push_back(over_containers("5.14", "Ports bound to every host interface", all, [](const ContainerDescription& c) {
    if (!c.ports) return info("an OCI config publishes no ports; the engine that runs it does");
    Verdicts v;
    for (const PublishedPort& p : *c.ports)
      if (p.host_port > 0 && (p.host_ip.empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::"))
        v.push_back(Verdict{Level::warn, port_text(p)});
    return v;
  }));
}

// 5.15 to 5.32: restart policies, namespaces, devices, ulimits, mount
// propagation, seccomp, exec, cgroups, privileges, health, pids, networks
// and engine sockets.
void add_namespace_device_and_socket_checks(std::vector<CheckResult>& out,
                                            const std::vector<ContainerDescription>& all) {
  out.push_back(
      over_containers("5.15", "Restart policies that retry without end", all, [](const ContainerDescription& c) {
        if (!c.restart) return info("an OCI config has no restart policy; the engine that runs it does");
        const RestartPolicy& r = *c.restart;
        if (r.name == "always" || r.name == "unless-stopped") return warn(r.name);
        if (r.name == "on-failure" && (r.maximum_retry_count <= 0 || r.maximum_retry_count > 5))
          return warn(fmt::format("on-failure:{}", r.maximum_retry_count));
        return pass();
      }));
  out.push_back(over_containers("5.16", "Containers sharing the host's PID namespace", all,
                                [](const ContainerDescription& c) { return namespace_verdict(c.pid); }));
  out.push_back(over_containers("5.17", "Containers sharing the host's IPC namespace", all,
                                [](const ContainerDescription& c) { return namespace_verdict(c.ipc); }));
  out.push_back(over_containers("5.18", "Containers with host devices", all, [](const ContainerDescription& c) {
    if (c.devices.empty()) return pass();
    return info(fmt::format("{}", fmt::join(c.devices, ", ")));
  }));
  out.push_back(over_containers("5.19", "Containers with no ulimit override", all, [](const ContainerDescription& c) {
    if (!c.ulimits) return info("the input does not say");
    return c.ulimits->empty() ? info() : pass();
  }));
  out.push_back(over_containers("5.20", "Mounts that propagate as shared", all, [](const ContainerDescription& c) {
    Verdicts v;
    for (const ContainerMount& m : c.mounts)
      if (m.propagation == "shared" || m.propagation == "rshared")
        v.push_back(Verdict{Level::warn, fmt::format("{} ({})", m.destination, m.propagation)});
    return v;
  }));
  out.push_back(over_containers("5.21", "Containers sharing the host's UTS namespace", all,
                                [](const ContainerDescription& c) { return namespace_verdict(c.uts); }));
  out.push_back(over_containers("5.22", "Containers without seccomp", all, [](const ContainerDescription& c) {
    // Privileged first: its config has no seccomp either, and the flag says why.
    if (c.privileged.value_or(false)) return warn("privileged, which turns seccomp off");
    if (c.seccomp_unconfined) return warn(oci(c) ? "no linux.seccomp" : "seccomp=unconfined");
    return pass();
  }));
  out.push_back(make_result("5.23", Level::note, "exec sessions are not recorded in a container's description"));
  out.push_back(make_result("5.24", Level::note, "exec sessions are not recorded in a container's description"));
  out.push_back(
      over_containers("5.25", "Containers in a cgroup parent of their own", all, [](const ContainerDescription& c) {
        if (c.cgroup_parent.empty()) return pass();
        // An OCI config names its cgroup as a matter of course; say which, for a person to confirm.
        if (oci(c)) return info(fmt::format("cgroupsPath {}", c.cgroup_parent));
        return warn(c.cgroup_parent);
      }));
  out.push_back(over_containers("5.26", "Containers that can gain new privileges", all,
                                [](const ContainerDescription& c) { return c.no_new_privileges ? pass() : warn(); }));
  out.push_back(over_containers("5.27", "Containers without a health check", all, [](const ContainerDescription& c) {
    if (!c.health) return info("a runtime config has no health check; the engine that runs it does");
    return c.health->empty() ? warn() : pass();
  }));
  out.push_back(make_result("5.28", Level::info, "whether an image is the latest version needs its registry"));
  out.push_back(over_containers("5.29", "Containers without a pids limit", all,
                                [](const ContainerDescription& c) { return c.pids_limit > 0 ? pass() : warn(); }));
  out.push_back(
      over_containers("5.30", "Containers on Docker's default bridge", all, [](const ContainerDescription& c) {
        if (!c.networks) return info("the input names no networks");
        return std::find(c.networks->begin(), c.networks->end(), "bridge") != c.networks->end() ? info() : pass();
      }));
  out.push_back(over_containers("5.31", "Containers sharing the host's user namespace", all,
                                [](const ContainerDescription& c) { return namespace_verdict(c.user); }));
  out.push_back(over_containers("5.32", "Container-engine sockets mounted", all, [](const ContainerDescription& c) {
    Verdicts v;
    for (const ContainerMount& m : c.mounts)
      if (engine_socket(m.source) || engine_socket(m.destination))
        v.push_back(Verdict{Level::warn, fmt::format("{} on {}", m.source, m.destination)});
    return v;
  }));
}

}  // namespace

Section runtime_section(const RuntimeInput& input) {
  Section section{"5", "Container Runtime", {}, {}};
  auto& out = section.results;
  const auto& all = input.containers;

  if (!input.swarm_active)
    out.push_back(
        make_result("5.1", Level::info, "a container description does not say whether its engine is in swarm mode"));
  else
    out.push_back(make_result("5.1", *input.swarm_active ? Level::warn : Level::pass,
                              *input.swarm_active ? "the engine is in swarm mode" : ""));
  if (all.empty()) {
    section.note = "no running containers: the container checks have nothing to look at";
    return section;
  }

  add_confinement_and_resource_checks(out, all);
  add_namespace_device_and_socket_checks(out, all);
  return section;
}

}  // namespace ward::audit::bench
