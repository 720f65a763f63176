// The check catalog: IDs as docker-bench-security numbers them, titles in
// ward's words.
#include "audit/bench/catalog.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace ward::audit::bench {

namespace {

constexpr std::array kCatalog = {
    // 1: the host.
    CheckInfo{"1.1.1", "A separate partition holds the store of images and containers", true},
    CheckInfo{"1.1.2", "Only trusted users can control the engine", true},
    CheckInfo{"1.1.3", "The engine's binary (ward) is audited by auditd", true},
    CheckInfo{"1.1.4", "The engine's run directory (/run/ward) is audited by auditd", true},
    CheckInfo{"1.1.5", "The store root is audited by auditd", true},
    CheckInfo{"1.1.6", "The configuration directory (/etc/ward) is audited by auditd", true},
    CheckInfo{"1.1.18", "The runtime binary (ward-oci) is audited by auditd", true},
    CheckInfo{"1.2.1", "The container host is hardened", false},
    CheckInfo{"1.2.2", "The engine is up to date", false},
    // 2: the engine's configuration.
    CheckInfo{"2.1", "The engine runs as a non-root user where it can (rootless)", false},
    CheckInfo{"2.2", "Traffic between containers on the default network is restricted", true},
    CheckInfo{"2.5", "No insecure (plain HTTP or unverified TLS) registries are configured", true},
    CheckInfo{"2.9", "User namespaces are used", true},
    CheckInfo{"2.13", "Logs go to a central, remote place", true},
    CheckInfo{"2.14", "Containers cannot gain new privileges by default (no_new_privs)", true},
    CheckInfo{"2.17", "A seccomp profile applies to every container by default", false},
    // 3: the engine's files.
    CheckInfo{"3.5", "The configuration directory (/etc/ward) is owned by root:root", true},
    CheckInfo{"3.6", "The configuration directory (/etc/ward) is mode 755 or stricter", true},
    CheckInfo{"W.3.1", "The store root is owned by its user and mode 700 or stricter", true},
    CheckInfo{"W.3.2", "The store database (ward.db) is owned by the store's user and mode 644 or stricter", true},
    // 4: images.
    CheckInfo{"4.1", "Images run as a user other than root", true},
    CheckInfo{"4.2", "Containers use only trusted base images", false},
    CheckInfo{"4.3", "Images hold no unnecessary packages", false},
    CheckInfo{"4.4", "Images are scanned and rebuilt with security fixes", false},
    CheckInfo{"4.5", "Image signatures (content trust) are verified", true},
    CheckInfo{"4.6", "Images have a HEALTHCHECK", true},
    CheckInfo{"4.7", "Package index updates are not run alone in a layer", false},
    CheckInfo{"4.8", "Images hold no setuid or setgid files", false},
    CheckInfo{"4.9", "Images are built with COPY, not ADD", false},
    CheckInfo{"4.10", "Images keep no secrets in their configuration", false},
    CheckInfo{"4.11", "Only verified packages are installed", false},
    CheckInfo{"4.12", "All signed artifacts are validated", false},
    // 5: container runtime.
    CheckInfo{"5.1", "Swarm mode is off unless needed", true},
    CheckInfo{"5.2", "An AppArmor profile confines the container", true},
    CheckInfo{"5.3", "SELinux options are set for the container", true},
    CheckInfo{"5.4", "The container holds no capabilities beyond the default set", true},
    CheckInfo{"5.5", "The container is not privileged", true},
    CheckInfo{"5.6", "No sensitive host directory is mounted writable into the container", true},
    CheckInfo{"5.7", "sshd does not run in the container", true},
    CheckInfo{"5.8", "No privileged host port (below 1024) is mapped to the container", true},
    CheckInfo{"5.9", "Only the ports needed are open on the container", false},
    CheckInfo{"5.10", "The host's network namespace is not shared", true},
    CheckInfo{"5.11", "The container's memory is limited", true},
    CheckInfo{"5.12", "The container's CPU priority is set", true},
    CheckInfo{"5.13", "The container's root filesystem is read-only", true},
    CheckInfo{"5.14", "Published ports are bound to a specific host interface", true},
    CheckInfo{"5.15", "The restart policy is on-failure with at most 5 retries (or none)", true},
    CheckInfo{"5.16", "The host's PID namespace is not shared", true},
    CheckInfo{"5.17", "The host's IPC namespace is not shared", true},
    CheckInfo{"5.18", "Host devices are not exposed to the container directly", false},
    CheckInfo{"5.19", "Default ulimits are overridden where needed", false},
    CheckInfo{"5.20", "No mount propagates as shared", true},
    CheckInfo{"5.21", "The host's UTS namespace is not shared", true},
    CheckInfo{"5.22", "The default seccomp profile is not disabled", true},
    CheckInfo{"5.23", "exec is not used with the privileged option", false},
    CheckInfo{"5.24", "exec is not used as root", false},
    CheckInfo{"5.25", "The container's cgroup parent is the default one", true},
    CheckInfo{"5.26", "The container cannot gain new privileges (no-new-privileges)", true},
    CheckInfo{"5.27", "The container's health is checked at run time", true},
    CheckInfo{"5.28", "Containers run the latest version of their image", false},
    CheckInfo{"5.29", "The container's number of processes is limited (pids limit)", true},
    CheckInfo{"5.30", "The container is not on Docker's default bridge", false},
    CheckInfo{"5.31", "The host's user namespace is not shared", true},
    CheckInfo{"5.32", "No container-engine socket is mounted into the container", true},
};

}  // namespace

std::span<const CheckInfo> check_catalog() {
  return kCatalog;
}

const CheckInfo& check_info(std::string_view id) {
  auto it = std::find_if(kCatalog.begin(), kCatalog.end(), [&](const CheckInfo& c) { return c.id == id; });
  if (it == kCatalog.end()) std::abort();  // a programming error: every check is in the catalog
  return *it;
}

CheckResult make_result(std::string_view id, Level level, std::string details, std::vector<std::string> items) {
  const CheckInfo& info = check_info(id);
  return CheckResult{std::string(info.id), std::string(info.desc), level,
                     info.scored,          std::move(details),     std::move(items)};
}

}  // namespace ward::audit::bench
