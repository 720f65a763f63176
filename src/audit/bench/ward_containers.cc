// A ward container's record (and, running, its applied config) to
// ContainerDescription.  The record is read as Docker's inspect record
// first, for what ward writes the way Docker does (mounts, limits, restart
// policy, namespaces' modes, devices, ulimits, health), then corrected
// where ward's start differs from Docker's.
#include "audit/bench/ward_containers.h"

#include <fmt/format.h>

#include "audit/bench/docker_inspect.h"
#include "audit/bench/oci_config.h"
#include "oci/spec_default.h"
#include "util/json_reader.h"

namespace ward::audit::bench {

namespace {

using json::Node;

// The HostConfig fields whose meaning is ward's own.
struct WardHostConfig {
  bool privileged = false;
  bool no_new_privileges = true;
  bool seccomp_unconfined = false;
  std::string userns_mode;  // "" (--userns auto, the default) or "host"
};

Result<WardHostConfig> read_ward_host_config(std::string_view inspect) {
  try {
    auto document = WARD_TRY(json::parse(inspect));
    Node root(document, "");
    WARD_TRY(root.expect_object());
    auto host = WARD_TRY(root.require("HostConfig"));
    WARD_TRY(host.expect_object());
    WardHostConfig out;
    out.privileged = WARD_TRY(host.required<bool>("Privileged"));
    out.no_new_privileges = WARD_TRY(host.required<bool>("NoNewPrivileges"));
    out.seccomp_unconfined = WARD_TRY(host.required<bool>("SeccompUnconfined"));
    WARD_TRY(host.read("UsernsMode", out.userns_mode));
    return out;
  } catch (const json::Value::exception& error) {
    return fail(ErrorKind::invalid_input, fmt::format("unexpected JSON: {}", error.what()));
  }
}

// The AppArmor profile a start gives a container on this host: the one
// ward's default config names (none without AppArmor), unless privileged
// (engine/container_config.cc).
std::string profile_at_start(bool host_apparmor, bool privileged) {
  if (privileged) return "";
  return oci::default_spec(false, host_apparmor)["process"].value("apparmorProfile", "");
}

// What a running container's runtime applied, over what its record says:
// the settings the kernel enforces and a start fixes.  Limits stay the
// record's (`ward update` changes them in the cgroup and the record, not
// in config.json), and so do mounts (the record's are the ones the user
// asked for; config.json adds ward's own: /proc, the bundle's files).
void take_applied(ContainerDescription& c, const ContainerDescription& applied) {
  c.apparmor_profile = applied.apparmor_profile;
  c.selinux_set = applied.selinux_set;
  c.no_new_privileges = applied.no_new_privileges;
  c.seccomp_unconfined = applied.seccomp_unconfined;
  c.network = applied.network;
  c.pid = applied.pid;
  c.ipc = applied.ipc;
  c.uts = applied.uts;
  c.user = applied.user;
  c.read_only_rootfs = applied.read_only_rootfs;
}

}  // namespace

Result<ContainerDescription> describe_ward_container(const WardContainer& container, bool host_apparmor) {
  auto described = WARD_TRY(parse_docker_inspect(container.inspect));
  if (described.size() != 1)
    return fail(ErrorKind::invalid_input, "a ward inspect record is one container, not an array of them");
  ContainerDescription c = std::move(described.front());
  c.origin = "ward";
  auto host = WARD_TRY(context(read_ward_host_config(container.inspect), "container {}", c.name));

  // A start without its config at hand, by the engine's rules: no_new_privs
  // unless --security-opt no-new-privileges=false or --privileged; ward's
  // seccomp profile unless seccomp=unconfined (or --privileged, which 5.22
  // reads from c.privileged); a user namespace of its own unless --userns
  // host or --privileged.
  c.no_new_privileges = host.no_new_privileges && !host.privileged;
  c.seccomp_unconfined = host.seccomp_unconfined;
  if (host.privileged || host.userns_mode == "host") c.user = NamespaceMode{NamespaceMode::host, ""};
  c.apparmor_profile = profile_at_start(host_apparmor, host.privileged);
  c.processes = container.processes;

  if (container.config) {
    auto applied = parse_oci_config(*container.config, c.name);
    if (!applied) return std::unexpected(applied.error().wrap(fmt::format("container {}: config.json", c.name)));
    take_applied(c, *applied);
  }
  return c;
}

}  // namespace ward::audit::bench
