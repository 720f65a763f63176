// A container as `ward audit` sees it: ward's own plain description, filled
// from a `docker inspect` or `podman inspect` record, from the Docker API,
// or from an OCI runtime-spec config.json.  What an input cannot say stays
// unset (nullopt), and the check that needs it reports INFO instead of a
// result it does not have.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ward::audit::bench {

struct ContainerMount {
  std::string type;  // "bind", "volume", "tmpfs", "proc", ...
  std::string source;
  std::string destination;
  bool read_write = true;
  std::string propagation;  // "rprivate", "shared", ... ("" when unset)
};

struct PublishedPort {
  std::string container_port;  // "80/tcp"
  std::string host_ip;         // "" or "0.0.0.0" binds every interface
  int host_port = 0;
};

// How a namespace is set up: Docker's "host", a private one, or joining
// another process's ("container:ID", an OCI namespace path).
struct NamespaceMode {
  enum Kind { private_namespace, host, joined } kind = private_namespace;
  std::string target;  // what is joined
};

struct RestartPolicy {
  std::string name;  // "no", "always", "unless-stopped", "on-failure"
  int maximum_retry_count = 0;
};

struct ContainerDescription {
  std::string name;    // "weak", or the config file's name
  std::string origin;  // "docker inspect", "podman inspect", "OCI config", "Docker API"

  std::string apparmor_profile;                       // "" none, "unconfined"
  bool selinux_set = false;                           // a label or label options are set
  bool selinux_disabled = false;                      // label=disable
  std::vector<std::string> capabilities;              // beyond Docker's defaults, "CAP_SYS_ADMIN" form; "ALL" for all
  std::optional<bool> privileged;                     // nullopt: the input has no such flag (OCI)
  std::vector<ContainerMount> mounts;                 // what the user mounted (Docker) or every mount (OCI)
  std::vector<std::string> command;                   // the container's command line
  std::optional<std::vector<std::string>> processes;  // running command lines, when they could be seen
  std::optional<std::vector<PublishedPort>> ports;    // nullopt: the input publishes no ports (OCI)
  NamespaceMode network, pid, ipc, uts, user;
  std::int64_t memory_limit = 0;  // bytes; 0 unlimited
  std::int64_t cpu_shares = 0;
  std::int64_t nano_cpus = 0;
  std::int64_t cpu_quota = 0;
  bool read_only_rootfs = false;
  std::optional<RestartPolicy> restart;             // nullopt: the input has none (OCI)
  std::vector<std::string> devices;                 // host devices given to the container
  std::optional<std::vector<std::string>> ulimits;  // names overridden; nullopt when unknown
  bool seccomp_unconfined = false;
  bool no_new_privileges = false;
  std::string cgroup_parent;                         // Docker's CgroupParent or OCI cgroupsPath
  std::optional<std::string> health;                 // nullopt: unknown (OCI); "" no health check; else the status
  std::int64_t pids_limit = 0;                       // 0 or negative: unlimited
  std::optional<std::vector<std::string>> networks;  // names of the networks joined; nullopt unknown
};

}  // namespace ward::audit::bench
